"""Study design: pool model runs and human responses into a blind, balanced study.

Why: a study must be built from the same response records the rest of the tool uses
(``benchmark.records.RESPONSE_COLUMNS``), with every text normalised and hidden behind an
opaque id, so that the only way back to a source is the export, after rating is over.
Everything random (ids, sampling, pairing, check values) comes from the study's seed, so a
design can be rebuilt exactly.
"""

from __future__ import annotations

import itertools
import random
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark import __version__
from benchmark.errors import BenchError
from benchmark.records import is_human_source
from benchmark.studies.blinding import normalise_text, opaque_ids, reveals_source
from benchmark.tabular import read_table

MODES = ("likert", "pairwise", "turing", "respond")

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

# Practice answers are neutral examples written for the tutorial; they are never stored as
# ratings or exported, and never labelled with any source.
PRACTICE = [
    ("Practice: list unusual uses for a paperclip.", "1. Hold a bookmark in place\n2. Reset a router through the pinhole"),
    ("Practice: list unusual uses for a paperclip.", "1. Bend it into a tiny sculpture of a bicycle"),
]


@dataclass
class StudySpec:
    """Everything that defines a study besides its responses."""

    study_id: str
    mode: str = "likert"
    k: int = 3
    seed: int = 0
    dimensions: list[dict] | None = None
    check_rate: float = 0.1
    min_time_s: float = 3.0
    lease_s: float = 900.0
    max_failed_checks: int = 2
    completion_code: str | None = None
    completion_url: str | None = None
    include_revealing: bool = False
    max_items: int | None = None
    max_pairs_per_prompt: int = 20
    tasks: list[str] | None = None
    pool: str | None = None  # respond mode: the human/<pool> name
    suite: str | None = None  # respond mode
    title: str = "Rating creative answers"
    extra: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        if self.mode not in MODES:
            raise BenchError(f"unknown study mode '{self.mode}'", fix=f"use one of {', '.join(MODES)}")
        if not self.study_id or any(c in self.study_id for c in "/\\ ?&#"):
            raise BenchError(f"bad study id '{self.study_id}'", fix="use letters, digits, '-' and '_'")
        if self.mode != "respond" and self.k < 1:
            raise BenchError(f"k must be at least 1 (got {self.k})", fix="pass --k 3 for three ratings per item")
        if not 0 <= self.check_rate <= 1:
            raise BenchError(f"check rate {self.check_rate} is outside 0-1", fix="pass e.g. --check-rate 0.1")


# --------------------------------------------------------------------------- loading

def _read_responses(path: str | Path) -> tuple[pd.DataFrame, str]:
    p = Path(path)
    if p.is_dir():
        p = p / "responses.parquet"
        if not p.exists():
            raise BenchError("run folder has no responses.parquet", where=str(p.parent), fix="point at a finished run")
    return read_table(p, required=["task_id", "item_id", "text"]), (p.parent.name if p.name == "responses.parquet" else p.stem)


def load_sources(runs: list[str | Path] = (), humans: list[str | Path] = (), pool: str | None = None) -> pd.DataFrame:
    """Responses from run folders/files and human tables, with the key columns filled in.

    Human tables must say ``source`` = ``human/<pool>`` on every row, or be given a pool:
    a model's output can never enter a study as human.
    """
    frames = []
    for path in runs:
        df, run_id = _read_responses(path)
        if "source" not in df.columns:
            raise BenchError("missing column source", where=str(path), fix="runs record the model spec in 'source'")
        df = df.copy()
        frames.append(_fill(df, run_id))
    for path in humans:
        df, run_id = _read_responses(path)
        df = df.copy()
        if "source" not in df.columns:
            if not pool:
                raise BenchError("human responses have no 'source' column", where=str(path),
                                 fix="add source=human/<pool> or pass --pool NAME")
            df["source"] = f"human/{pool.removeprefix('human/')}"
        bad = df.loc[~df["source"].astype(str).map(is_human_source), "source"]
        if len(bad):
            raise BenchError(f"{len(bad)} row(s) have a non-human source such as '{bad.iloc[0]}'", where=str(path),
                             fix="human files must use source human/<pool>; pass model runs with --run")
        frames.append(_fill(df, run_id))
    if not frames:
        raise BenchError("no responses given", fix="pass --run RUN_DIR and/or --human FILE")
    df = pd.concat(frames, ignore_index=True)
    if "error" in df.columns:
        df = df[df["error"].isna()]
    df = df[df["text"].notna() & (df["text"].astype(str).str.strip() != "")].copy()
    df["text"] = df["text"].astype(str)
    df["task_id"] = df["task_id"].astype(str)
    df["item_id"] = df["item_id"].astype(str)
    df["source"] = df["source"].astype(str)
    df["task_version"] = df["task_version"].fillna("unknown").astype(str)
    df["sample_idx"] = df["sample_idx"].astype(int)
    dup = df.duplicated(["task_id", "task_version", "item_id", "source", "sample_idx"])
    if dup.any():
        raise BenchError(f"{int(dup.sum())} responses share a key (task_id, task_version, item_id, source, sample_idx)",
                         fix="give each sample its own sample_idx, or do not pass the same run twice")
    return df.reset_index(drop=True)


def _fill(df: pd.DataFrame, run_id: str) -> pd.DataFrame:
    """Fill optional key columns per input file (before pooling, so each file counts its own samples)."""
    df = df.copy()
    if "run_id" not in df.columns:
        df["run_id"] = run_id
    for col in ("task_id", "item_id", "source"):
        df[col] = df[col].astype(str)
    if "task_version" not in df.columns:
        versions = {t: _task_version(t) for t in df["task_id"].unique()}
        df["task_version"] = df["task_id"].map(versions)
    if "sample_idx" not in df.columns:
        df["sample_idx"] = df.groupby(["task_id", "item_id", "source"]).cumcount()
    if "prompt" not in df.columns:
        df["prompt"] = None
    return df


def _task_item(task_id: str, item_id: str):
    try:
        from benchmark.tasks import get_item

        return get_item(task_id, item_id)
    except Exception:  # unknown task or item: the study still works from the responses alone
        return None


def _task_version(task_id: str) -> str:
    try:
        from benchmark.tasks import load_task

        return str(load_task(task_id).version)
    except Exception:
        return "unknown"


def _plain_dims(dims: list[dict]) -> list[dict]:
    out = []
    for d in dims:
        anchors = {str(k): str(v) for k, v in (d.get("anchors") or {}).items()}
        out.append({"name": str(d["name"]), "description": str(d.get("description", "")), "anchors": anchors})
    return out


def default_dimensions(df: pd.DataFrame) -> list[dict]:
    """The rating dimensions of the pooled tasks when they agree, else the four classic ones."""
    found = []
    for (task_id, item_id), _ in df.groupby(["task_id", "item_id"]):
        item = _task_item(task_id, item_id)
        dims = _plain_dims(item.dimensions) if item is not None and item.dimensions else None
        if dims and dims not in found:
            found.append(dims)
    return found[0] if len(found) == 1 else _plain_dims(DEFAULT_DIMENSIONS)


# --------------------------------------------------------------------------- design

def design_study(spec: StudySpec, df: pd.DataFrame, gold: pd.DataFrame | None = None) -> dict:
    """Turn pooled responses into the rows a Store writes: config, texts, sources, items."""
    spec.validate()
    rng = random.Random(spec.seed)
    if spec.tasks:
        df = df[df["task_id"].isin(spec.tasks)]
    df = df.copy()
    df["flag"] = [reveals_source(t, s) for t, s in zip(df["text"], df["source"])]
    df["excluded"] = df["flag"].notna() & (not spec.include_revealing)
    usable = df[~df["excluded"]]
    if usable.empty:
        raise BenchError("no usable responses left after filtering", fix="check --task and the input files")

    prompts: dict[tuple[str, str], str] = {}
    for (task_id, item_id), grp in df.groupby(["task_id", "item_id"]):
        item = _task_item(task_id, item_id)
        given = grp["prompt"].dropna()
        prompts[(task_id, item_id)] = (item.prompt if item is not None else (given.iloc[0] if len(given) else f"{task_id}: {item_id}"))

    if spec.mode == "pairwise":
        dims = _plain_dims(spec.dimensions or [PAIRWISE_DIMENSION])
    else:
        dims = _plain_dims(spec.dimensions or default_dimensions(usable))

    text_ids = opaque_ids(len(df), rng, "t")
    df["text_id"] = text_ids
    texts = [{"text_id": r.text_id, "prompt": prompts[(r.task_id, r.item_id)], "text": normalise_text(r.text)}
             for r in df.itertuples()]
    sources = [{"text_id": r.text_id, "run_id": None if pd.isna(r.run_id) else str(r.run_id), "task_id": r.task_id,
                "task_version": r.task_version, "response_item_id": r.item_id, "source": r.source,
                "sample_idx": int(r.sample_idx), "original_text": r.text,
                "flag": r.flag, "excluded": bool(r.excluded)} for r in df.itertuples()]
    usable = df[~df["excluded"]]

    pairs: list[tuple[str, str | None]]
    if spec.mode == "pairwise":
        pairs = []
        for _, grp in usable.groupby(["task_id", "item_id"], sort=True):
            cands = [(a.text_id, b.text_id) for a, b in itertools.combinations(list(grp.itertuples()), 2)
                     if a.source != b.source]
            rng.shuffle(cands)
            pairs += cands[: spec.max_pairs_per_prompt]
        if not pairs:
            raise BenchError("pairwise needs at least two sources answering the same task item",
                             fix="add another run or human file for the same tasks")
    else:
        pairs = [(t, None) for t in usable["text_id"]]
    rng.shuffle(pairs)
    if spec.max_items and len(pairs) > spec.max_items:
        pairs = pairs[: spec.max_items]

    item_ids = opaque_ids(len(pairs) + 64, rng, "i")
    items = [{"item_id": item_ids[i], "kind": "item", "text_a": a, "text_b": b, "ord": i, "expected": None}
             for i, (a, b) in enumerate(pairs)]
    extra_texts, extra_items = _checks_and_practice(spec, dims, rng, list(prompts.values()), item_ids[len(pairs):],
                                                    len(pairs), gold)
    texts += extra_texts
    items += extra_items

    config = {
        "mode": spec.mode, "k": spec.k, "seed": spec.seed, "dimensions": dims, "scale": 5,
        "check_rate": spec.check_rate,
        "check_every": (round(1 / spec.check_rate) if spec.check_rate > 0 else 0),
        "min_time_s": spec.min_time_s, "lease_s": spec.lease_s, "max_failed_checks": spec.max_failed_checks,
        "completion_code": spec.completion_code or secrets.token_hex(4).upper(),
        "completion_url": spec.completion_url, "title": spec.title,
        "include_revealing": spec.include_revealing, "tool_version": __version__,
        "n_excluded": int(df["excluded"].sum()), "n_flagged": int(df["flag"].notna().sum()),
        **spec.extra,
    }
    return {"config": config, "texts": texts, "sources": sources, "items": items}


def _checks_and_practice(spec: StudySpec, dims: list[dict], rng: random.Random, prompts: list[str],
                         free_ids: list[str], ord0: int, gold: pd.DataFrame | None) -> tuple[list[dict], list[dict]]:
    """Attention checks (instructed answers), gold items (known answers) and practice items."""
    texts: list[dict] = []
    items: list[dict] = []
    ids = iter(free_ids)
    tids = iter(opaque_ids(200, rng, "t"))
    names = [d["name"] for d in dims]

    def add(kind: str, prompt: str, a: str, b: str | None, expected: dict | None) -> None:
        ta = next(tids)
        texts.append({"text_id": ta, "prompt": prompt, "text": a})
        tb = None
        if b is not None:
            tb = next(tids)
            texts.append({"text_id": tb, "prompt": prompt, "text": b})
        if expected is not None and "winner" in expected:
            expected = {"winner_text": ta if expected.pop("winner") == "a" else tb}
        items.append({"item_id": next(ids), "kind": kind, "text_a": ta, "text_b": tb, "ord": ord0 + len(items),
                      "expected": expected})

    if spec.check_rate > 0 and spec.mode != "respond":
        for _ in range(5):
            prompt = rng.choice(prompts)
            if spec.mode == "likert":
                v = rng.randint(1, 5)
                add("attention", prompt, f"This is an attention check, not an answer. Please rate every scale {v}.",
                    None, {"values": {n: v for n in names}, "tolerance": 0})
            elif spec.mode == "pairwise":
                add("attention", prompt, "Attention check: please choose this answer.",
                    "Attention check: do not choose this answer; choose the other one.", {"winner": "a"})
            else:
                guess = rng.choice(["human", "ai"])
                add("attention", prompt, f"This is an attention check. Please answer '{'Human' if guess == 'human' else 'AI'}' "
                    "with confidence 5.", None, {"guess": guess, "confidence": 5})
    if gold is not None and len(gold):
        for r in gold.to_dict("records"):
            prompt = str(r.get("prompt") or rng.choice(prompts))
            if spec.mode == "likert":
                want = {n: int(r[n]) for n in names if n in r and pd.notna(r[n])}
                if not want:
                    raise BenchError("gold rows need at least one dimension column", fix=f"add one of {', '.join(names)}")
                add("gold", prompt, normalise_text(str(r["text"])), None, {"values": want, "tolerance": 1})
            elif spec.mode == "pairwise":
                winner = str(r["winner"])
                if winner not in ("left", "right"):
                    raise BenchError(f"gold winner '{winner}' is not left or right")
                add("gold", prompt, normalise_text(str(r["left_text"])), normalise_text(str(r["right_text"])),
                    {"winner": "a" if winner == "left" else "b"})
            else:
                add("gold", prompt, normalise_text(str(r["text"])), None,
                    {"guess": "human" if is_human_source(str(r["source"])) else "ai"})
    if spec.mode != "respond":
        for prompt, text in PRACTICE:
            other = "2. Use it as a tiny lock pick\n3. Make a zipper pull" if spec.mode == "pairwise" else None
            add("practice", prompt, text, other, None)
    return texts, items


def respond_items(spec: StudySpec) -> list[dict]:
    """Respond mode: the task items participants answer, rendered once at design time."""
    from benchmark.tasks import load_suite, load_task

    if spec.suite:
        task_items = load_suite(spec.suite)
    elif spec.tasks:
        task_items = [it for t in spec.tasks for it in load_task(t).items]
    else:
        raise BenchError("respond mode needs --suite NAME or --task ID")
    if spec.tasks and spec.suite:
        task_items = [it for it in task_items if it.task_id in spec.tasks]
    if spec.max_items:
        task_items = task_items[: spec.max_items]
    return [{"task_id": it.task_id, "task_version": str(it.task_version), "item_id": it.item_id,
             "prompt": it.prompt, "time_limit_s": it.time_limit_s, "answer_format": it.answer_format}
            for it in task_items]


def create_study(store, spec: StudySpec, runs: list[str | Path] = (), humans: list[str | Path] = (),
                 pool: str | None = None, gold_file: str | Path | None = None, replace: bool = False) -> dict:
    """Design and write a study; returns its summary (items, excluded, flagged)."""
    spec.validate()
    if spec.mode == "respond":
        if not spec.pool:
            raise BenchError("respond mode needs --pool NAME (answers become source human/NAME)")
        items = respond_items(spec)
        config = {"mode": "respond", "seed": spec.seed, "pool": spec.pool.removeprefix("human/"),
                  "respond_items": items, "completion_code": spec.completion_code or secrets.token_hex(4).upper(),
                  "completion_url": spec.completion_url, "title": spec.title, "tool_version": __version__,
                  "grace_s": 15, **spec.extra}
        store.create_study(spec.study_id, "respond", config, [], [], [], replace=replace)
        return {"study_id": spec.study_id, "mode": "respond", "items": len(items)}
    df = load_sources(runs, humans, pool)
    gold = read_table(gold_file) if gold_file else None
    design = design_study(spec, df, gold)
    store.create_study(spec.study_id, spec.mode, design["config"], design["texts"], design["sources"],
                       design["items"], replace=replace)
    n_items = sum(1 for i in design["items"] if i["kind"] == "item")
    return {"study_id": spec.study_id, "mode": spec.mode, "items": n_items, "k": spec.k,
            "ratings_needed": n_items * spec.k, "responses": len(df),
            "excluded_revealing": design["config"]["n_excluded"], "flagged_revealing": design["config"]["n_flagged"],
            "sources": sorted(df["source"].unique().tolist())}

