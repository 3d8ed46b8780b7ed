"""What the researcher sees on the admin page: progress, raters, items with their sources.

Why a library module: the admin page must not hold logic (and no rater page may read the
hidden source map), so every view is a function here that returns a DataFrame or a dict,
and the page only draws it. The thresholds behind every flag are stated in
``THRESHOLDS`` so the page can print them next to the table.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from benchmark.studies.models import Assignment, Item, ItemText, Rater, Rating, Slot, SourceMap, Withdrawal

SKIM_WPM = 600.0  # faster than this, people skim rather than read (Rayner et al. 2016, Psych. Sci. Public Interest 17:4-34)
QUESTION_MIN_S = 1.0  # the least time to click one answer after reading

RATER_COLUMNS = ["rater_id", "prolific_pid", "panel_study_id", "session_id", "stage", "answers", "checks",
                 "failed_checks", "median_rt_s", "too_fast", "too_fast_share", "created_at", "completed_at"]


def thresholds(cfg: dict) -> list[str]:
    """The rules behind the rater table, in words, with this study's numbers."""
    return [
        f"min time: the app refuses an answer given less than {float(cfg.get('min_time_s', 0) or 0):g} s "
        "after the item was shown (the rater is asked to take more time).",
        f"too fast: an accepted answer given in less time than reading the item's text at {SKIM_WPM:g} words per "
        f"minute (skimming speed) plus {QUESTION_MIN_S:g} s per question; reported, never used to exclude anyone.",
        f"screened: {int(cfg.get('max_failed_checks', 2))} failed attention checks end a session; the rater's "
        "ratings are kept but marked usable = False, and their places go back to the pool.",
        f"checks: {float(cfg.get('check_rate', 0) or 0):.0%} of a session's items, at least one per rater, "
        "at positions drawn per rater.",
    ]


def item_progress(store, study_id: str) -> pd.DataFrame:
    """Per item: ratings done, leased now, free, k."""
    with store.read() as conn:
        rows = conn.execute(
            select(Slot.item_id, Slot.status, func.count()).where(Slot.study_id == study_id)
            .group_by(Slot.item_id, Slot.status)
        ).all()
    df = pd.DataFrame(rows, columns=["item_id", "status", "n"])
    if df.empty:
        return pd.DataFrame(columns=["item_id", "done", "leased", "free", "k"])
    wide = df.pivot_table(index="item_id", columns="status", values="n", fill_value=0, aggfunc="sum")
    for col in ("done", "leased", "free"):
        if col not in wide:
            wide[col] = 0
    wide["k"] = wide[["done", "leased", "free"]].sum(axis=1)
    return wide[["done", "leased", "free", "k"]].reset_index().sort_values(["done", "item_id"])


def _item_sources(store, study_id: str) -> pd.DataFrame:
    """item_id -> source(s) and task of the real items (pairwise: both sides)."""
    with store.read() as conn:
        items = pd.DataFrame(conn.execute(select(Item.item_id, Item.text_a, Item.text_b).where(
            Item.study_id == study_id, Item.kind == "item")).all(), columns=["item_id", "text_a", "text_b"])
        smap = pd.DataFrame(conn.execute(select(SourceMap.text_id, SourceMap.source, SourceMap.task_id).where(
            SourceMap.study_id == study_id)).all(), columns=["text_id", "source", "task_id"]).set_index("text_id")
    if items.empty:
        return pd.DataFrame(columns=["item_id", "source", "task_id"])
    src_a = items["text_a"].map(smap["source"])
    src_b = items["text_b"].map(smap["source"])
    items["source"] = [a if not isinstance(b, str) else " vs ".join(sorted((a, b))) for a, b in zip(src_a, src_b)]
    items["task_id"] = items["text_a"].map(smap["task_id"])
    return items[["item_id", "source", "task_id"]]


def progress_by(store, study_id: str) -> dict[str, pd.DataFrame]:
    """Ratings done / needed per source and per task (pairwise: per source pair)."""
    prog = item_progress(store, study_id)
    meta = _item_sources(store, study_id)
    if prog.empty or meta.empty:
        empty = pd.DataFrame(columns=["items", "done", "needed", "share"])
        return {"source": empty, "task_id": empty}
    df = prog.merge(meta, on="item_id")
    out = {}
    for key in ("source", "task_id"):
        g = df.groupby(key).agg(items=("item_id", "count"), done=("done", "sum"), needed=("k", "sum"))
        g["share"] = (g["done"] / g["needed"]).round(3)
        out[key] = g.reset_index()
    return out


def _words(texts: pd.Series) -> pd.Series:
    return texts.fillna("").astype(str).str.split().str.len()


def rater_table(store, study_id: str) -> pd.DataFrame:
    """Per rater: panel ids, stage, answers, checks, failed checks, median time, too-fast answers."""
    store.get_study(study_id)  # one line for an unknown study
    with store.read() as conn:
        raters = pd.DataFrame(conn.execute(
            select(Rater.rater_id, Rater.prolific_pid, Rater.panel_study_id, Rater.session_id, Rater.stage,
                   Rater.created_at, Rater.completed_at).where(Rater.study_id == study_id)).mappings().all())
        ans = pd.DataFrame(conn.execute(
            select(Rating.rater_id, Rating.item_id, Rating.rt_s, Rating.check_passed, Assignment.kind)
            .join(Assignment, (Assignment.study_id == Rating.study_id) & (Assignment.rater_id == Rating.rater_id)
                  & (Assignment.item_id == Rating.item_id))
            .where(Rating.study_id == study_id).distinct()).mappings().all())
        n_questions = pd.DataFrame(conn.execute(
            select(Rating.rater_id, Rating.item_id, func.count()).where(Rating.study_id == study_id)
            .group_by(Rating.rater_id, Rating.item_id)).all(), columns=["rater_id", "item_id", "n_q"])
        texts = pd.DataFrame(conn.execute(
            select(Item.item_id, ItemText.text).join(
                ItemText, (ItemText.study_id == Item.study_id)
                & ((ItemText.text_id == Item.text_a) | (ItemText.text_id == Item.text_b)))
            .where(Item.study_id == study_id)).all(), columns=["item_id", "text"])
    if raters.empty:
        return pd.DataFrame(columns=RATER_COLUMNS)
    if ans.empty:
        ans = pd.DataFrame(columns=["rater_id", "item_id", "rt_s", "check_passed", "kind"])
    words = texts.assign(words=_words(texts["text"])).groupby("item_id")["words"].sum()
    per_item = ans.drop_duplicates(["rater_id", "item_id"]).merge(n_questions, on=["rater_id", "item_id"], how="left")
    per_item["min_s"] = per_item["item_id"].map(words).fillna(0) * 60.0 / SKIM_WPM + QUESTION_MIN_S * per_item["n_q"].fillna(1)
    per_item["fast"] = per_item["rt_s"].astype(float) < per_item["min_s"]
    per_item["is_check"] = per_item["kind"] != "item"
    agg = per_item.groupby("rater_id").agg(
        answers=("item_id", "count"),
        checks=("is_check", "sum"),
        failed_checks=("check_passed", lambda s: int((s == False).sum())),  # noqa: E712
        median_rt_s=("rt_s", "median"),
        too_fast=("fast", "sum"),
    ).reset_index()
    out = raters.merge(agg, on="rater_id", how="left")
    for col in ("answers", "checks", "failed_checks", "too_fast"):
        out[col] = out[col].fillna(0).astype(int)
    out["too_fast_share"] = (out["too_fast"] / out["answers"].where(out["answers"] > 0)).round(3)
    return out[RATER_COLUMNS]


def withdrawals(store, study_id: str) -> pd.DataFrame:
    """The record of every withdrawal (who, when, what was deleted)."""
    with store.read() as conn:
        rows = conn.execute(select(Withdrawal).where(Withdrawal.study_id == study_id)).mappings().all()
    return pd.DataFrame(rows, columns=["study_id", "rater_id", "withdrawn_at", "ratings_deleted", "responses_deleted", "note"])


def item_browser(store, study_id: str, kind: str | None = "item") -> pd.DataFrame:
    """Every item with its text(s), task and true source(s): for the researcher only."""
    with store.read() as conn:
        items = pd.DataFrame(conn.execute(select(Item.item_id, Item.kind, Item.text_a, Item.text_b).where(
            Item.study_id == study_id).order_by(Item.ord)).all(), columns=["item_id", "kind", "text_a", "text_b"])
        texts = dict(conn.execute(select(ItemText.text_id, ItemText.text).where(ItemText.study_id == study_id)).all())
        prompts = dict(conn.execute(select(ItemText.text_id, ItemText.prompt).where(ItemText.study_id == study_id)).all())
        smap = pd.DataFrame(conn.execute(select(SourceMap.text_id, SourceMap.source, SourceMap.task_id,
                                                SourceMap.response_item_id).where(SourceMap.study_id == study_id)).all(),
                            columns=["text_id", "source", "task_id", "response_item_id"]).set_index("text_id")
    if kind:
        items = items[items["kind"] == kind]
    src = smap["source"].to_dict()
    return pd.DataFrame({
        "item_id": items["item_id"], "kind": items["kind"],
        "task_id": items["text_a"].map(smap["task_id"]), "task_item": items["text_a"].map(smap["response_item_id"]),
        "prompt": items["text_a"].map(prompts),
        "source_a": items["text_a"].map(lambda t: src.get(t, "check")), "text_a": items["text_a"].map(texts),
        "source_b": items["text_b"].map(lambda t: src.get(t) if isinstance(t, str) else None),
        "text_b": items["text_b"].map(lambda t: texts.get(t) if isinstance(t, str) else None),
    }).reset_index(drop=True)
