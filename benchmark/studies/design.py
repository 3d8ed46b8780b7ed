"""Study design: pool model runs and human responses into a blind, balanced, sized study.

Why: every text is normalised and hidden behind an opaque id, so the only way back to a
source is the export, after rating is over. Everything random (ids, sampling, pairing,
check values, check positions) comes from the study's seed, so a design can be rebuilt
exactly. The design also answers what a panel needs before launch: how long a session
takes, how many raters are needed, and the codes for every way a session can end.
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
from benchmark.studies import plan
from benchmark.studies.blinding import normalise_text, opaque_ids, reveals_source
from benchmark.studies.checks import EXTRA_CHECKS, PRACTICE, make_checks
from benchmark.studies.compat import check_turing, pairwise_coverage, pairwise_warnings
from benchmark.studies.dimensions import DEFAULT_DIMENSIONS, PAIRWISE_DIMENSION, plain_dims, plan_questions
from benchmark.studies.panel import check_pool, check_study_id
from benchmark.studies.sources import load_sources
from benchmark.tabular import read_table

MODES = ("likert", "pairwise", "turing", "checklist", "respond")
ENDS = ("completion", "screened", "no_work", "declined", "closed")

__all__ = ["DEFAULT_DIMENSIONS", "ENDS", "MODES", "StudySpec", "completion_link", "create_study", "design_study",
           "ending", "load_sources", "prepare_study", "respond_items", "write_study"]


@dataclass
class StudySpec:
    """Everything that defines a study besides its responses (``config.StudyFile`` builds one)."""

    study_id: str
    mode: str = "likert"
    k: int = 3
    seed: int = 0
    dimensions: list[dict] | dict[str, list[dict]] | None = None
    checklist: list[dict] | dict[str, list[dict]] | None = None
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
    items_per_rater: int | None = None  # None: a session of about `session_minutes`; 0: every item
    session_minutes: float = plan.DEFAULT_SESSION_MINUTES
    codes: dict[str, str] = field(default_factory=dict)  # end -> code (completion, screened, no_work, declined, closed)
    return_url: str | None = None  # panel link for the other ends ({code} is filled in)
    public_url: str | None = None  # where raters reach the app (for the printed study link)
    consent: dict[str, str] = field(default_factory=dict)  # text, contact, irb
    instructions: str | None = None
    practice: list[dict] | None = None
    estimated_minutes: float | None = None
    payment: str | None = None
    media: dict[str, Any] = field(default_factory=dict)  # images and sounds: the media: keys (config.Media)
    # pairwise: choose each rater's next pair by expected information gain, with a uniform
    # exploration share ({"explore": 0.2, "prior_sd": 1.5}); None = the fixed least-rated order
    adaptive: dict[str, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        if self.mode not in MODES:
            raise BenchError(f"unknown study mode '{self.mode}'", fix=f"use one of {', '.join(MODES)}")
        check_study_id(self.study_id)
        if self.mode != "respond" and self.k < 1:
            raise BenchError(f"k must be at least 1 (got {self.k})", fix="pass --k 3 for three ratings per item")
        if not 0 <= self.check_rate <= 1:
            raise BenchError(f"check rate {self.check_rate} is outside 0-1", fix="pass e.g. --check-rate 0.1")
        if self.min_time_s < 0 or self.lease_s <= 0:
            raise BenchError("min time must be >= 0 and the lease > 0 seconds", fix="e.g. --min-time 3 --lease 900")
        if self.pool:
            check_pool(self.pool)
        if self.adaptive is not None:
            if self.mode != "pairwise":
                raise BenchError(f"adaptive pair selection is for pairwise studies, and this one is {self.mode}",
                                 fix="leave out adaptive: (--adaptive), or set mode: pairwise")
            explore = float(self.adaptive.get("explore", 0.2))
            if not 0 < explore <= 1:
                raise BenchError(f"the adaptive exploration share must be in (0, 1], not {explore}",
                                 fix="keep a uniform share so every pair stays possible, e.g. --adaptive 0.2")


# --------------------------------------------------------------------------- ends

def completion_link(url: str, code: str | None) -> str:
    """``{code}`` in the configured URL is replaced; otherwise ``cc=CODE`` is appended."""
    if not code:
        return url.replace("{code}", "")
    if "{code}" in url:
        return url.replace("{code}", code)
    return url + ("&" if "?" in url else "?") + f"cc={code}"


def ending(config: dict, end: str) -> dict:
    """The code and return link a rater gets at one end (studies made before ``ends`` existed
    had a completion code and URL only)."""
    ends = config.get("ends") or {}
    if end in ends:
        return ends[end]
    if end == "completion":
        code, url = config.get("completion_code"), config.get("completion_url")
        return {"code": code, "url": completion_link(url, code) if url else None}
    return {"code": None, "url": None}


def resolve_ends(spec: StudySpec) -> dict[str, dict]:
    """A code and, when a panel link is configured, a return link for every way a session ends.

    Codes not given are drawn from ``secrets`` (not from the study's seed, which is
    published: a code anyone can recompute pays anyone), distinct from each other; a closed
    study shares the no-work code unless it has its own.
    """
    codes = {**spec.codes}
    if spec.completion_code:
        codes["completion"] = spec.completion_code
    for end in ENDS:
        while end not in codes and end != "closed":
            code = secrets.token_hex(4).upper()
            if code not in codes.values():
                codes[end] = code
    codes.setdefault("closed", codes["no_work"])
    out = {}
    for end in ENDS:
        url = (spec.completion_url or spec.return_url) if end == "completion" else (spec.return_url or spec.completion_url)
        out[end] = {"code": codes[end], "url": completion_link(url, codes[end]) if url else None}
    return out


# --------------------------------------------------------------------------- design

def _prompts(df: pd.DataFrame) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for (task_id, item_id), grp in df.groupby(["task_id", "item_id"]):
        try:
            from benchmark.tasks import get_item

            out[(task_id, item_id)] = get_item(task_id, item_id).prompt
        except Exception:  # unknown task or item: the prompt the answers were given, if recorded
            given = grp["prompt"].dropna()
            out[(task_id, item_id)] = given.iloc[0] if len(given) else f"{task_id}: {item_id}"
    return out


def design_study(spec: StudySpec, df: pd.DataFrame, gold: pd.DataFrame | None = None) -> dict:
    """Turn pooled responses into the rows a Store writes: config, texts, sources, items.

    Also returns ``warnings`` (design problems that do not stop it) and ``summary``.
    """
    spec.validate()
    rng = random.Random(spec.seed)
    warnings: list[str] = []
    if spec.tasks:
        df = df[df["task_id"].isin(spec.tasks)]
        if df.empty:
            raise BenchError(f"no responses for task(s) {', '.join(spec.tasks)}", fix="check --task against the runs")
    df = df.copy()
    df["flag"] = [reveals_source(t, s) for t, s in zip(df["text"], df["source"])]
    df["excluded"] = df["flag"].notna() & (not spec.include_revealing)

    sets: dict[str, list[dict]] = {}
    task_set: dict[str, str] = {}
    if spec.mode in ("likert", "checklist"):
        q = plan_questions(spec.mode, df[~df["excluded"]], spec.dimensions, spec.checklist)
        sets, task_set = q.sets, q.task_set
        warnings += list(q.left_out.values()) + q.notes
        df.loc[~df["task_id"].isin(list(task_set)), "excluded"] = True
        dims = q.union()
    elif spec.mode == "pairwise":
        if isinstance(spec.dimensions, dict):
            raise BenchError("pairwise studies ask one set of questions for every pair", fix="give dimensions as a list")
        dims = plain_dims(spec.dimensions or [PAIRWISE_DIMENSION])
    else:
        if spec.dimensions:
            raise BenchError("a turing study asks who wrote each answer; it takes no dimensions",
                             fix="leave out dimensions (--dimension)")
        dims = []
    usable = df[~df["excluded"]]
    if usable.empty:
        raise BenchError("no usable responses left after filtering", fix="check --task and the input files")
    if spec.mode == "turing":
        check_turing(usable)

    prompts = _prompts(df)
    df["text_id"] = opaque_ids(len(df), rng, "t")
    texts = [{"text_id": r.text_id, "prompt": prompts[(r.task_id, r.item_id)], "text": normalise_text(r.text)}
             for r in df.itertuples()]
    sources = [{"text_id": r.text_id, "run_id": None if pd.isna(r.run_id) else str(r.run_id), "task_id": r.task_id,
                "task_version": r.task_version, "response_item_id": r.item_id, "source": r.source,
                "sample_idx": int(r.sample_idx), "original_text": r.text,
                "flag": r.flag, "excluded": bool(r.excluded)} for r in df.itertuples()]
    usable = df[~df["excluded"]]
    task_of = dict(zip(df["text_id"], df["task_id"]))

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
    n_items = len(pairs)

    # ---- the session: items per rater, checks, minutes, raters needed
    words = pd.Series([len(t["text"].split()) for t in texts if t["text_id"] in {p[0] for p in pairs}])
    n_questions = (sum(len(v) for v in sets.values()) / len(sets)) if sets else max(1, len(dims))
    item_s = plan.seconds_per_item(spec.mode, float(words.median()) if len(words) else 0.0, int(round(n_questions)))
    if "media_type" in df.columns and df["media_type"].notna().any():  # looking and listening take time too
        from benchmark.studies.media_items import media_seconds

        kinds = {str(t).split("/")[0] for t in df.loc[~df["excluded"], "media_type"].dropna()}
        item_s += media_seconds(spec.mode, spec.media, kinds)
    asked = spec.items_per_rater if spec.items_per_rater is not None else spec.extra.get("items_per_rater")
    if asked is None:
        per_rater = plan.items_per_rater(n_items, item_s, spec.check_rate, spec.session_minutes)
    elif int(asked) == 0:
        per_rater = n_items
    else:
        per_rater = min(int(asked), n_items)
        if int(asked) > n_items:
            warnings.append(f"items_per_rater is {asked} but the study has {n_items} items: each rater rates at "
                            f"most {n_items}")
    checks_per_rater = plan.checks_for(per_rater, spec.check_rate)
    if checks_per_rater == 0:
        warnings.append("no attention checks (check rate 0): raters cannot be screened out - set checks.rate, "
                        "e.g. 0.1 (--check-rate 0.1)")
    minutes = plan.session_minutes(per_rater, checks_per_rater, item_s)
    if per_rater == n_items and spec.k > 1 and minutes > 25:
        warnings.append(f"a session of every item takes about {minutes:.0f} minutes: set items_per_rater")

    n_attention = checks_per_rater + EXTRA_CHECKS if checks_per_rater else 0
    n_extra = n_attention + (len(gold) if gold is not None else 0) + len(spec.practice if spec.practice is not None
                                                                         else PRACTICE)
    item_ids = iter(opaque_ids(n_items + n_extra, rng, "i"))
    items = [{"item_id": next(item_ids), "kind": "item", "text_a": a, "text_b": b, "ord": i, "expected": None,
              "dimset": task_set.get(task_of[a])} for i, (a, b) in enumerate(pairs)]
    by_prompt = sorted({(prompts[(r.task_id, r.item_id)], task_set.get(r.task_id)) for r in usable.itertuples()},
                       key=lambda x: (x[0], x[1] or ""))
    extra_texts, extra_items = make_checks(spec.mode, sets or ({"all": dims} if dims else {}), by_prompt, n_attention,
                                           gold, spec.practice, rng, lambda: next(item_ids), n_items)
    if spec.mode in ("pairwise", "turing"):
        for it in extra_items:
            it["dimset"] = None
    texts += extra_texts
    items += extra_items
    n_check_items = sum(1 for i in extra_items if i["kind"] in ("attention", "gold"))
    if gold is not None and len(gold) and not checks_per_rater:
        raise BenchError("gold items are shown at check positions, and this design has none",
                         fix="set checks.rate above 0 (--check-rate 0.1)")

    ends = resolve_ends(spec)
    coverage = None
    if spec.mode == "pairwise":
        source_of = dict(zip(df["text_id"], df["source"]))
        coverage = pairwise_coverage([(a, b) for a, b in pairs], source_of, spec.k)
        warnings += pairwise_warnings(coverage, spec.k)
    config = {
        "mode": spec.mode, "k": spec.k, "seed": spec.seed, "dimensions": dims,
        "dimension_sets": sets if len(sets) > 1 else {}, "scale": 5,
        "check_rate": spec.check_rate, "n_items": n_items, "n_check_items": n_check_items,
        "items_per_rater": per_rater, "checks_per_rater": checks_per_rater,
        "seconds_per_item": round(item_s, 1), "minutes_per_rater": round(minutes, 1),
        "estimated_minutes": spec.estimated_minutes or max(1, round(minutes)),
        "raters_needed": plan.raters_needed(n_items, spec.k, per_rater),
        "min_time_s": spec.min_time_s, "lease_s": spec.lease_s, "max_failed_checks": spec.max_failed_checks,
        "ends": ends, "completion_code": ends["completion"]["code"], "completion_url": ends["completion"]["url"],
        "title": spec.title, "consent": spec.consent, "instructions_text": spec.instructions,
        "payment": spec.payment, "public_url": spec.public_url,
        "include_revealing": spec.include_revealing, "tool_version": __version__,
        "n_excluded": int(df["excluded"].sum()), "n_flagged": int(df["flag"].notna().sum()),
        "adaptive": ({"explore": float(spec.adaptive.get("explore", 0.2)),
                      "prior_sd": float(spec.adaptive.get("prior_sd", 1.5))} if spec.adaptive is not None else None),
        **{k: v for k, v in spec.extra.items() if k != "items_per_rater"},
    }
    summary = {
        "study_id": spec.study_id, "mode": spec.mode, "items": n_items, "k": spec.k,
        "ratings_needed": n_items * spec.k, "responses": int(len(df)),
        "excluded_revealing": int((df["flag"].notna() & df["excluded"]).sum()), "flagged_revealing": config["n_flagged"],
        "sources": sorted(usable["source"].unique().tolist()),
        "tasks": sorted(usable["task_id"].unique().tolist()),
        "items_per_rater": per_rater, "checks_per_rater": checks_per_rater,
        "minutes_per_rater": config["minutes_per_rater"], "estimated_minutes": config["estimated_minutes"],
        "raters_needed": config["raters_needed"], "codes": {e: v["code"] for e, v in ends.items()},
        "return_links": {e: v["url"] for e, v in ends.items() if v["url"]},
        "warnings": warnings,
    }
    if coverage is not None:
        summary["battles_per_source_pair"] = coverage.to_dict(orient="records")
    shown = {t for pair in pairs for t in pair if t}
    media = [{"text_id": r.text_id, "file": r.media_file} for r in df.itertuples()
             if r.text_id in shown and isinstance(getattr(r, "media_file", None), str)]
    return {"config": config, "texts": texts, "sources": sources, "items": items, "summary": summary, "media": media}


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


def prepare_study(spec: StudySpec, runs: list[str | Path] = (), humans: list[str | Path] = (),
                  pool: str | None = None, gold_file: str | Path | None = None, *,
                  allow_duplicates: bool = False) -> dict:
    """The full design, with nothing written yet (so a bad input leaves no database behind)."""
    spec.validate()
    if spec.mode == "respond":
        if not spec.pool:
            raise BenchError("respond mode needs --pool NAME (answers become source human/NAME)")
        items = respond_items(spec)
        ends = resolve_ends(spec)
        config = {"mode": "respond", "seed": spec.seed, "pool": check_pool(spec.pool), "respond_items": items,
                  "ends": ends, "completion_code": ends["completion"]["code"],
                  "completion_url": ends["completion"]["url"], "title": spec.title, "consent": spec.consent,
                  "instructions_text": spec.instructions, "payment": spec.payment, "public_url": spec.public_url,
                  "estimated_minutes": spec.estimated_minutes, "tool_version": __version__, "grace_s": 15,
                  "media": dict(spec.media or {}),  # uploads (image and sound tasks): max_mb, dir
                  **{k: v for k, v in spec.extra.items() if k != "items_per_rater"}}
        summary = {"study_id": spec.study_id, "mode": "respond", "items": len(items),
                   "codes": {e: v["code"] for e, v in ends.items()}, "warnings": []}
        return {"config": config, "texts": [], "sources": [], "items": [], "summary": summary}
    df = load_sources(runs, humans, pool, allow_duplicates=allow_duplicates)
    gold = read_table(gold_file) if gold_file else None
    return design_study(spec, df, gold)


def write_study(store, spec: StudySpec, design: dict, replace: bool = False) -> dict:
    """Write a prepared design (and serve its images and sounds); returns its summary."""
    if design.get("media"):
        from benchmark.studies.media_items import write_media_study

        return write_media_study(store, spec, design, replace=replace)
    store.create_study(spec.study_id, spec.mode, design["config"], design["texts"], design["sources"],
                       design["items"], replace=replace)
    return design["summary"]


def create_study(store, spec: StudySpec, runs: list[str | Path] = (), humans: list[str | Path] = (),
                 pool: str | None = None, gold_file: str | Path | None = None, replace: bool = False) -> dict:
    """Design and write a study; returns its summary (items, sizes, codes, warnings)."""
    return write_study(store, spec, prepare_study(spec, runs, humans, pool, gold_file), replace=replace)
