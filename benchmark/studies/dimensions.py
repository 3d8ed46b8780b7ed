"""Which questions each item is asked: dimension sets per task (likert), yes/no tests (checklist).

Why: one set of scales does not fit every answer. "Usefulness" of a list of uses is a
question; "usefulness" of the single word that solves a Remote Associates item, or of ten
unrelated nouns, is not. So each task is rated on its own dimensions (from the study
config, keyed by task id, family or ``default``; else from the task's YAML), tasks whose
YAML declares none (answers scored automatically, like the DAT and the RAT) are left out
with a note, and a set of scales that would be shared by answers of different kinds
(idea lists, single words, texts) is refused with the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from benchmark.errors import BenchError

DEFAULT_DIMENSIONS: list[dict] = [
    {"name": "originality", "description": "How uncommon and clever is it?",
     "anchors": {"1": "obvious, what most people would say", "3": "somewhat unusual", "5": "highly original"}},
    {"name": "usefulness", "description": "Does it work for the purpose?",
     "anchors": {"1": "impossible or nonsensical", "3": "workable with some effort", "5": "clearly workable"}},
    {"name": "surprise", "description": "Does it make you think 'I hadn't thought of that'?",
     "anchors": {"1": "not surprising", "3": "a little surprising", "5": "very surprising yet sensible"}},
    {"name": "overall", "description": "Overall creativity.",
     "anchors": {"1": "not creative", "3": "moderately creative", "5": "very creative"}},
]
PAIRWISE_DIMENSION = {"name": "creativity", "description": "Which answer is more creative?", "anchors": {}}
FORMAT_WORDS = {"ideas": "lists of ideas", "words": "single words or word lists", "text": "texts"}


@dataclass
class TaskInfo:
    """What the suite says about a task (None fields: the task is not in the suite)."""

    task_id: str
    family: str | None = None
    answer_format: str | None = None
    dimensions: list[dict] | None = None
    checklist: list[dict] | None = None


@dataclass
class QuestionPlan:
    """Dimension sets, which set each task uses, and the tasks left out (with why)."""

    sets: dict[str, list[dict]]
    task_set: dict[str, str]
    left_out: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def union(self) -> list[dict]:
        """Every dimension once (first definition wins): the study's ``dimensions``."""
        seen: dict[str, dict] = {}
        for dims in self.sets.values():
            for d in dims:
                seen.setdefault(d["name"], d)
        return list(seen.values())


def task_info(task_id: str) -> TaskInfo:
    try:
        from benchmark.tasks import load_task

        t = load_task(task_id)
    except Exception:  # a task from elsewhere: only the answers are known
        return TaskInfo(task_id)
    return TaskInfo(task_id, t.family, t.answer_format, list(t.dimensions),
                    [dict(c) for c in getattr(t, "checklist", None) or []])


def infer_format(texts: pd.Series) -> str:
    """An answer format from the answers themselves (tasks outside the suite)."""
    lines = texts.astype(str).str.strip().str.count("\n") + 1
    words = texts.astype(str).str.split().str.len()
    if lines.median() >= 2 and words.median() / lines.median() <= 15:
        return "ideas"
    if words.median() <= 3:
        return "words"
    return "text"


def plain_dims(dims: list[dict]) -> list[dict]:
    """Dimensions as stored in a study config (strings for anchors, scale spelt out)."""
    out = []
    for d in dims:
        anchors = {str(k): str(v) for k, v in (d.get("anchors") or {}).items()}
        item = {"name": str(d["name"]), "description": str(d.get("description", "")), "anchors": anchors,
                "scale": str(d.get("scale") or "ordinal")}
        if item["scale"] == "ordinal":
            lo_hi = d.get("scale_range") or d.get("range")
            item["levels"] = int(d.get("levels") or (lo_hi[1] if lo_hi else 5))
        elif item["scale"] in ("interval", "continuous"):
            item["min"], item["max"] = float(d.get("min", 0)), float(d.get("max", 100))
        out.append(item)
    return out


def tests_as_dims(tests: list[dict]) -> list[dict]:
    """Checklist tests (name, question) as binary dimensions."""
    return [{"name": str(t["name"]), "description": str(t.get("question") or t.get("description") or ""),
             "anchors": {"0": "no", "1": "yes"}, "scale": "binary"} for t in tests]


def _task_dims(info: TaskInfo) -> list[dict] | None:
    """A task's YAML dimensions (its ``scale: [lo, hi]`` read as ordinal levels)."""
    if info.dimensions is None:
        return None
    out = []
    for d in info.dimensions:
        lo, hi = d.get("scale", (1, 5))
        out.append({**d, "scale": "ordinal", "levels": int(hi) - int(lo) + 1})
    return out


def _pick(given: dict, info: TaskInfo) -> tuple[str, list[dict]] | None:
    for key in (info.task_id, info.family, "default"):
        if key and key in given:
            return key, given[key]
    return None


def plan_questions(mode: str, df: pd.DataFrame, dimensions: list | dict | None = None,
                   checklist: list | dict | None = None) -> QuestionPlan:
    """Resolve the questions of a likert or checklist study per task, and check them."""
    given = checklist if mode == "checklist" else dimensions
    sets: dict[str, list[dict]] = {}
    task_set: dict[str, str] = {}
    left_out: dict[str, str] = {}
    notes: list[str] = []
    formats: dict[str, str] = {}
    set_format: dict[str, str] = {}
    for task_id, grp in df.groupby("task_id", sort=True):
        info = task_info(str(task_id))
        formats[task_id] = info.answer_format or infer_format(grp["text"])
        if isinstance(given, list):
            key, dims = "all", given
        elif isinstance(given, dict):
            picked = _pick(given, info)
            if picked is None:
                raise BenchError(f"no {'tests' if mode == 'checklist' else 'dimensions'} for task '{task_id}'",
                                 fix=f"add a '{task_id}'{f', {info.family!r}' if info.family else ''} or 'default' key, "
                                     "or leave the task out with tasks: [...]")
            key, dims = picked
        elif mode == "checklist":
            if not info.checklist:
                raise BenchError(f"checklist mode needs yes/no tests for task '{task_id}', and its YAML declares none",
                                 fix=f"give them in the study config: checklist: {{{task_id}: [{{name: ..., question: ...}}]}}")
            key, dims = task_id, info.checklist
        else:
            dims = _task_dims(info)
            if dims is None:
                key, dims = "default", DEFAULT_DIMENSIONS
                notes.append(f"task '{task_id}' is not in the suite: rated on the four classic dimensions")
            elif not dims:
                left_out[task_id] = (f"{len(grp)} answers of task '{task_id}' left out: the task declares no rating "
                                     "dimensions (it is scored automatically)")
                continue
            else:
                key = task_id
        dims = plain_dims(tests_as_dims(dims) if mode == "checklist" else dims)
        if key == task_id:  # a task's own questions: share a set with identical ones for the same kind of answer
            key = next((k for k, v in sets.items() if v == dims and set_format.get(k) == formats[task_id]), key)
        sets.setdefault(key, dims)
        set_format.setdefault(key, formats[task_id])
        task_set[task_id] = key
    if not task_set:
        raise BenchError("no task in this study has rating dimensions",
                         fix="give dimensions in the study config (dimensions: [...]) or choose other tasks")
    _check_formats(sets, task_set, formats, mode)
    _check_scales(sets)
    return QuestionPlan(sets, task_set, left_out, notes)


def _check_scales(sets: dict[str, list[dict]]) -> None:
    """One name, one scale: the analysis reads a dimension's scale by its name."""
    from benchmark.studies.values import scale_of

    seen: dict[str, tuple[str, dict]] = {}
    for key, dims in sets.items():
        for d in dims:
            first = seen.setdefault(d["name"], (key, scale_of(d)))
            if first[1] != scale_of(d):
                raise BenchError(f"dimension '{d['name']}' has two scales ({first[0]}: {first[1]}, {key}: "
                                 f"{scale_of(d)})", fix="give it one scale, or another name in one of the sets")


def _check_formats(sets: dict, task_set: dict[str, str], formats: dict[str, str], mode: str) -> None:
    for key, dims in sets.items():
        tasks = sorted(t for t, k in task_set.items() if k == key)
        kinds = sorted({formats[t] for t in tasks})
        if len(kinds) > 1:
            by_kind = "; ".join(f"{FORMAT_WORDS.get(f, f)}: {', '.join(t for t in tasks if formats[t] == f)}"
                                for f in kinds)
            names = ", ".join(d["name"] for d in dims)
            what = "tests" if mode == "checklist" else "scales"
            raise BenchError(
                f"one set of {what} ({names}) would be used for answers of different kinds ({by_kind})",
                fix=f"give each kind its own {'checklist' if mode == 'checklist' else 'dimensions'} in the study "
                    "config, keyed by task or family, or keep one kind with tasks: [...] (--task)")
