"""Exports: ratings in long format (likert, battles, guesses), and respond-mode answers as
ordinary response records.

This module and ``admin_views`` are the only ones that join ratings to ``source_map``: the
true sources appear in exports and on the researcher's admin page, never on a rater page.
Battles carry each side's length in words and lines (for style-controlled ratings) and, in
an adaptive study, the pair's ``selection_prob`` (for the inverse-probability-weighted fit).
Every row carries the rater's panel ids (``prolific_pid``, ``panel_study_id``,
``session_id``), their stage and ``usable`` (False for every rating of a rater screened out
by the attention checks), so approvals, bonuses, screen-outs and withdrawals can be done
from the export alone.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from benchmark.errors import BenchError
from benchmark.records import RESPONSE_COLUMNS
from benchmark.studies.models import Assignment, HumanResponse, Item, ItemText, Rater, Rating, SourceMap
from benchmark.studies.store import Store, open_store
from benchmark.tabular import write_table

PANEL_COLUMNS = ["rater_stage", "usable", "prolific_pid", "panel_study_id", "session_id"]
LIKERT_COLUMNS = ["item_id", "rater_id", "dimension", "value", "source", "task_id", "task_version",
                  "response_item_id", "sample_idx", "study_id", "is_check", "check_passed", "rt_s", "submitted_at",
                  "reason", *PANEL_COLUMNS]
BATTLE_COLUMNS = ["study_id", "rater_id", "dimension", "left_item", "right_item", "left_source", "right_source",
                  "winner", "rt_s", "submitted_at", "task_id", "response_item_id", "left_length", "right_length",
                  "left_lines", "right_lines", *PANEL_COLUMNS]
# adaptive pairwise studies add the probability with which each battle's pair of sources was drawn
ADAPTIVE_COLUMNS = ["selection_prob"]
GUESS_COLUMNS = ["study_id", "item_id", "rater_id", "source", "guess", "confidence", "rt_s", "submitted_at",
                 "task_id", "task_version", "response_item_id", "sample_idx", *PANEL_COLUMNS]
PARTICIPANT_COLUMNS = ["rater_id", "prolific_pid", "panel_study_id", "session_id"]
UNUSABLE_STAGES = ("screened",)


def _ts(x: float | None) -> pd.Timestamp | None:
    return None if x is None or pd.isna(x) else pd.Timestamp(datetime.fromtimestamp(float(x), tz=timezone.utc))


def _frames(store: Store, study_id: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with store.read() as conn:
        ratings = pd.DataFrame(conn.execute(
            select(Rating.item_id, Rating.rater_id, Rating.dimension, Rating.value, Rating.rt_s, Rating.submitted_at,
                   Rating.check_passed, Rating.reason, Item.kind, Item.text_a, Item.text_b, Assignment.swapped,
                   Assignment.selection_prob,
                   Rater.stage.label("rater_stage"), Rater.prolific_pid, Rater.panel_study_id, Rater.session_id)
            .join(Item, (Item.study_id == Rating.study_id) & (Item.item_id == Rating.item_id))
            .join(Assignment, (Assignment.study_id == Rating.study_id) & (Assignment.item_id == Rating.item_id)
                  & (Assignment.rater_id == Rating.rater_id))
            .join(Rater, (Rater.study_id == Rating.study_id) & (Rater.rater_id == Rating.rater_id))
            .where(Rating.study_id == study_id)
            .order_by(Rating.submitted_at, Rating.id)
        ).mappings().all())
        smap = pd.DataFrame(conn.execute(
            select(SourceMap.text_id, SourceMap.source, SourceMap.task_id, SourceMap.task_version,
                   SourceMap.response_item_id, SourceMap.sample_idx).where(SourceMap.study_id == study_id)
        ).mappings().all())
    if smap.empty:
        smap = pd.DataFrame(columns=["text_id", "source", "task_id", "task_version", "response_item_id", "sample_idx"])
    return ratings, smap.set_index("text_id"), smap


def export_ratings(db_url: str | None, study_id: str) -> dict[str, pd.DataFrame]:
    """Ratings of a study as DataFrames keyed 'likert', 'battles' or 'guesses' (the study's mode).

    Likert rows keep attention checks and gold items (``is_check``/``check_passed``) so an
    analysis can screen raters; battles and guesses hold real items only. A checklist study
    exports likert-shaped rows (one per item, rater and test; value 1 = yes, 0 = no; the
    rater's optional ``reason``) under the key 'likert'.
    """
    store = open_store(db_url)
    study = store.get_study(study_id)
    mode = study["mode"]
    ratings, smap, _ = _frames(store, study_id)
    if mode in ("likert", "checklist"):
        return {"likert": _likert(ratings, smap, study_id)}
    if mode == "pairwise":
        return {"battles": _battles(ratings, smap, study_id, _text_measures(store, study_id),
                                    adaptive=bool(study["config"].get("adaptive")))}
    if mode == "turing":
        return {"guesses": _guesses(ratings, smap, study_id)}
    raise BenchError(f"study '{study_id}' is a respond study: it has responses, not ratings",
                     fix="use `creativity-bench study export-responses`")


def study_dimensions(db_url: str | None, study_id: str) -> list[dict]:
    """A study's dimensions with their declared scales (``scale``: binary | ordinal with
    ``levels`` | interval | continuous with ``min``/``max``), for an analysis to pick its
    statistics; a checklist study's tests are ``binary``."""
    from benchmark.studies.values import scale_of

    cfg = open_store(db_url).get_study(study_id)["config"]
    return [{**d, **scale_of(d)} for d in cfg.get("dimensions", [])]


def _lookup(smap: pd.DataFrame, text_id: str | None, col: str, kind: str):
    if kind != "item" or text_id is None or text_id not in smap.index:
        return f"check/{kind}" if col == "source" else None
    return smap.at[text_id, col]


def _panel(r: pd.DataFrame) -> dict:
    """The rater columns every export carries."""
    return {"rater_stage": r["rater_stage"].values, "usable": ~r["rater_stage"].isin(UNUSABLE_STAGES).values,
            "prolific_pid": r["prolific_pid"].values, "panel_study_id": r["panel_study_id"].values,
            "session_id": r["session_id"].values}


def _likert(r: pd.DataFrame, smap: pd.DataFrame, study_id: str) -> pd.DataFrame:
    if r.empty:
        return pd.DataFrame(columns=LIKERT_COLUMNS)
    out = pd.DataFrame({
        "item_id": r["item_id"], "rater_id": r["rater_id"], "dimension": r["dimension"],
        "value": pd.to_numeric(r["value"]),
        "source": [_lookup(smap, t, "source", k) for t, k in zip(r["text_a"], r["kind"])],
        "task_id": [_lookup(smap, t, "task_id", k) for t, k in zip(r["text_a"], r["kind"])],
        "task_version": [_lookup(smap, t, "task_version", k) for t, k in zip(r["text_a"], r["kind"])],
        "response_item_id": [_lookup(smap, t, "response_item_id", k) for t, k in zip(r["text_a"], r["kind"])],
        "sample_idx": pd.array([_lookup(smap, t, "sample_idx", k) for t, k in zip(r["text_a"], r["kind"])], dtype="Int64"),
        "study_id": study_id,
        "is_check": r["kind"] != "item",
        "check_passed": r["check_passed"].astype(object).where(r["kind"] != "item", None),
        "rt_s": r["rt_s"].astype(float),
        "submitted_at": [_ts(x) for x in r["submitted_at"]],
        "reason": r["reason"].values,
        **_panel(r),
    })
    return out[LIKERT_COLUMNS].reset_index(drop=True)


def _text_measures(store: Store, study_id: str) -> dict[str, tuple[int, int]]:
    """Per shown text: its length in words and its non-empty lines (the style covariates of
    ``benchmark.analysis.style``), measured on the normalised text raters read."""
    with store.read() as conn:
        rows = conn.execute(select(ItemText.text_id, ItemText.text).where(ItemText.study_id == study_id)).all()
    return {t: (len(x.split()), sum(1 for ln in x.splitlines() if ln.strip())) for t, x in rows}


def _battles(r: pd.DataFrame, smap: pd.DataFrame, study_id: str, measures: dict[str, tuple[int, int]],
             adaptive: bool = False) -> pd.DataFrame:
    r = r[r["kind"] == "item"] if not r.empty else r
    columns = BATTLE_COLUMNS + (ADAPTIVE_COLUMNS if adaptive else [])
    if r.empty:
        return pd.DataFrame(columns=columns)
    left = [b if s else a for a, b, s in zip(r["text_a"], r["text_b"], r["swapped"])]
    right = [a if s else b for a, b, s in zip(r["text_a"], r["text_b"], r["swapped"])]
    out = pd.DataFrame({
        "study_id": study_id, "rater_id": r["rater_id"].values, "dimension": r["dimension"].values,
        "left_item": left, "right_item": right,
        "left_source": [smap.at[t, "source"] for t in left], "right_source": [smap.at[t, "source"] for t in right],
        "winner": r["value"].values, "rt_s": r["rt_s"].astype(float).values,
        "submitted_at": [_ts(x) for x in r["submitted_at"]],
        "task_id": [smap.at[t, "task_id"] for t in left],
        "response_item_id": [smap.at[t, "response_item_id"] for t in left],
        "left_length": [measures[t][0] for t in left], "right_length": [measures[t][0] for t in right],
        "left_lines": [measures[t][1] for t in left], "right_lines": [measures[t][1] for t in right],
        "selection_prob": r["selection_prob"].astype(float).values,
        **_panel(r),
    })
    return out[columns].reset_index(drop=True)


def _guesses(r: pd.DataFrame, smap: pd.DataFrame, study_id: str) -> pd.DataFrame:
    r = r[r["kind"] == "item"] if not r.empty else r
    if r.empty:
        return pd.DataFrame(columns=GUESS_COLUMNS)
    wide = r.pivot_table(index=["item_id", "rater_id", "text_a"], columns="dimension", values="value",
                         aggfunc="first").reset_index()
    meta = r.groupby(["item_id", "rater_id"]).agg(
        rt_s=("rt_s", "first"), submitted_at=("submitted_at", "first"), rater_stage=("rater_stage", "first"),
        prolific_pid=("prolific_pid", "first"), panel_study_id=("panel_study_id", "first"),
        session_id=("session_id", "first")).reset_index()
    wide = wide.merge(meta, on=["item_id", "rater_id"])
    out = pd.DataFrame({
        "study_id": study_id, "item_id": wide["item_id"], "rater_id": wide["rater_id"],
        "source": [smap.at[t, "source"] for t in wide["text_a"]],
        "guess": wide["guess"], "confidence": wide["confidence"].astype(int),
        "rt_s": wide["rt_s"].astype(float), "submitted_at": [_ts(x) for x in wide["submitted_at"]],
        "task_id": [smap.at[t, "task_id"] for t in wide["text_a"]],
        "task_version": [smap.at[t, "task_version"] for t in wide["text_a"]],
        "response_item_id": [smap.at[t, "response_item_id"] for t in wide["text_a"]],
        "sample_idx": [int(smap.at[t, "sample_idx"]) for t in wide["text_a"]],
        **_panel(wide),
    })
    return out[GUESS_COLUMNS].sort_values("submitted_at").reset_index(drop=True)


def write_ratings(db_url: str | None, study_id: str, out_dir: str | Path, fmt: str = "parquet") -> list[Path]:
    """Write each export table as ``OUT/<study>_<kind>.<fmt>`` (atomic writes)."""
    if fmt not in ("csv", "parquet", "jsonl"):
        raise BenchError(f"unknown export format '{fmt}'", fix="use csv, parquet or jsonl")
    return [write_table(df, Path(out_dir) / f"{study_id}_{kind}.{fmt}")
            for kind, df in export_ratings(db_url, study_id).items()]


def export_responses(db_url: str | None, study_id: str) -> pd.DataFrame:
    """Respond-mode answers as response records (``RESPONSE_COLUMNS``), source ``human/<pool>``.

    ``sample_idx`` is the participant's join order, so each person's answer to an item has
    its own key; answers given after the time limit carry ``error='over_time_limit'``.
    After the response columns come the participant's ids (``PARTICIPANT_COLUMNS``), so a
    withdrawal can be honoured in every copy made from this export.
    """
    store = open_store(db_url)
    study = store.get_study(study_id)
    if study["mode"] != "respond":
        raise BenchError(f"study '{study_id}' is a {study['mode']} study, not respond", fix="use `study export`")
    cfg = study["config"]
    formats = {(i["task_id"], i["item_id"]): i.get("answer_format") for i in cfg.get("respond_items", [])}
    with store.read() as conn:
        rows = pd.DataFrame(conn.execute(
            select(HumanResponse, Rater.seq, Rater.prolific_pid, Rater.panel_study_id, Rater.session_id)
            .join(Rater, (Rater.study_id == HumanResponse.study_id) & (Rater.rater_id == HumanResponse.rater_id))
            .where(HumanResponse.study_id == study_id).order_by(HumanResponse.id)
        ).mappings().all())
    if rows.empty:
        return pd.DataFrame(columns=RESPONSE_COLUMNS + PARTICIPANT_COLUMNS)
    from benchmark.tasks import parse_answer

    def ideas(text: str, task_id: str, item_id: str):
        fmt = formats.get((task_id, item_id))
        return parse_answer(text, fmt) if fmt in ("ideas", "words") else None

    out = pd.DataFrame({
        "run_id": study_id, "task_id": rows["task_id"], "task_version": rows["task_version"].astype(str),
        "item_id": rows["item_id"], "source": f"human/{cfg['pool']}", "sample_idx": rows["seq"].astype(int),
        "seed": pd.array([None] * len(rows), dtype="Int64"), "prompt": rows["prompt"], "text": rows["text"],
        "ideas": [ideas(t, a, b) for t, a, b in zip(rows["text"], rows["task_id"], rows["item_id"])],
        "latency_s": (rows["submitted_at"] - rows["started_at"]).astype(float),
        "tokens": pd.array([None] * len(rows), dtype="Int64"),
        "error": [("over_time_limit" if o else None) for o in rows["over_time"]],
        "created_at": [_ts(x) for x in rows["submitted_at"]],
        **{c: rows[c].values for c in PARTICIPANT_COLUMNS},
    })
    return out[RESPONSE_COLUMNS + PARTICIPANT_COLUMNS]


def write_responses(db_url: str | None, study_id: str, out: str | Path) -> Path:
    """Write respond-mode answers as ``responses.parquet`` (a folder gets that file name)."""
    p = Path(out)
    if p.suffix == "":
        p = p / "responses.parquet"
    from benchmark.studies.media_uploads import attach_uploads  # uploaded images and sounds go beside it

    return write_table(attach_uploads(db_url, study_id, export_responses(db_url, study_id), p.parent), p)


def study_status(db_url: str | None, study_id: str) -> dict:
    """Progress, raters, the panel codes and the responses left out for revealing their source."""
    from benchmark.studies.admin_views import withdrawals

    store = open_store(db_url)
    study = store.get_study(study_id)
    cfg = study["config"]
    out = {"study_id": study_id, "mode": study["mode"], "status": study["status"], "db": store.safe_url}
    out["codes"] = {end: v.get("code") for end, v in (cfg.get("ends") or {}).items()} or {
        "completion": cfg.get("completion_code")}
    raters = store.rater_quality(study_id)
    out["raters"] = int(len(raters))
    out["raters_done"] = int((raters["stage"] == "done").sum()) if len(raters) else 0
    out["raters_by_stage"] = {str(k): int(v) for k, v in raters["stage"].value_counts().items()} if len(raters) else {}
    out["withdrawn"] = int(len(withdrawals(store, study_id)))
    if study["mode"] == "respond":
        with store.read() as conn:
            n = conn.execute(select(HumanResponse.id).where(HumanResponse.study_id == study_id)).all()
        out["responses"] = len(n)
        out["task_items"] = len(cfg.get("respond_items", []))
        return out
    prog = store.progress(study_id)
    out["k"] = cfg.get("k")
    for key in ("items_per_rater", "minutes_per_rater", "raters_needed"):
        if key in cfg:
            out[key] = cfg[key]
    out["items"] = int(len(prog))
    out["items_complete"] = int((prog["done"] >= prog["k"]).sum()) if len(prog) else 0
    out["ratings_done"] = int(prog["done"].sum()) if len(prog) else 0
    out["ratings_needed"] = int(prog["k"].sum()) if len(prog) else 0
    with store.read() as conn:
        flagged = conn.execute(select(SourceMap.flag, SourceMap.excluded).where(
            SourceMap.study_id == study_id, SourceMap.flag.is_not(None))).all()
    out["flagged_revealing"] = len(flagged)
    out["excluded_revealing"] = sum(1 for f in flagged if f[1])
    reasons: dict[str, int] = {}
    for f in flagged:
        reasons[f[0]] = reasons.get(f[0], 0) + 1
    out["flag_reasons"] = reasons
    out["failed_checks"] = int(raters["failed_checks"].sum()) if len(raters) else 0
    return out
