"""The per-task summary printed by ``make run``: the model's score and where it stands among people.

It is the leaderboard's matrix for one run, with the same definitions (``benchmark.
leaderboard``): one scorer speaks for each task (``catalog.primary_scorer``); the score
is the mean over items with a 95% bootstrap CI over items, or over responses when the
task has one prompt (the row says which); the human percentile is that of the model's
typical (median) answer among people's answers, with the CI of the median mapped through
the same distribution. The Remote Associates row says "solved k of n" against people's
solve rate, and a task with no figure says why.
"""

from __future__ import annotations

import math

import pandas as pd

from benchmark.leaderboard import catalog
from benchmark.leaderboard.text import ci as ci_text

PRIMARY_SCORERS = catalog.FALLBACK_PRIMARY
primary_scorer = catalog.primary_scorer

SUMMARY_COLUMNS = [
    "task_id", "scorer", "source", "n", "n_items", "mean", "ci_low", "ci_high", "ci_over", "typical",
    "typical_low", "typical_high", "human_median", "human_percentile", "pct_ci_low", "pct_ci_high", "norm_id", "human_data", "solved", "note",
]


def summary_table(scores: pd.DataFrame, board) -> pd.DataFrame:
    """One row per task x source: the primary scorer's figures against people."""
    from benchmark.scoring.norms import load_norms

    index = load_norms()
    d, m = board.detail, board.matrix
    rows = []
    for cell in m.itertuples(index=False):
        if cell.scorer is None or (isinstance(cell.scorer, float) and math.isnan(cell.scorer)):
            continue
        r = d[(d["task_id"] == cell.task_id) & (d["scorer"] == cell.scorer) & (d["source"] == cell.source)]
        if r.empty:
            continue
        r = r.iloc[0]
        sg = scores[(scores["task_id"] == cell.task_id) & (scores["scorer"] == cell.scorer)]
        version = str(sg["scorer_version"].iloc[0]) if "scorer_version" in sg.columns and len(sg) else None
        entry = index.find(cell.task_id, cell.scorer, version) if cell.scorer != "rat" else None
        note = {"none": cell.cell, "score": "no human norm",
                "solved": cell.cell.split("; ", 1)[-1]}.get(cell.kind)
        rows.append({
            "task_id": cell.task_id, "scorer": cell.scorer, "source": cell.source, "n": int(r["n"]),
            "n_items": int(r["n_items"]), "mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
            "ci_over": r["ci_over"], "typical": r["median"], "typical_low": r["median_low"],
            "typical_high": r["median_high"], "human_median": r["human_median"],
            "human_percentile": r["human_pct"], "pct_ci_low": r["pct_low"], "pct_ci_high": r["pct_high"],
            "norm_id": entry.norm_id if entry is not None else None,
            "human_data": (str(r["reference"]) if isinstance(r["reference"], str) else None),
            "solved": r["solved"], "note": note,
        })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _nan(v: object) -> bool:
    try:
        return v is None or math.isnan(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def fmt(v: object, spec: str = ".2f") -> str:
    """A number for a table; '-' for a missing one."""
    return "-" if _nan(v) else format(float(v), spec)  # type: ignore[arg-type]


def score_text(r: pd.Series) -> str:
    """"2.42 [2.29, 2.53] items", "solved 0 of 12", or "-"."""
    if isinstance(r.get("solved"), str):
        return f"solved {r['solved']}"
    if _nan(r["mean"]):
        return "-"
    over = {"items": " items", "responses": " responses"}.get(str(r["ci_over"]), "")
    return f"{fmt(r['mean'])} {ci_text(r['ci_low'], r['ci_high'], str(r['ci_over']), int(r['n']), '.2f')}{over}"


def percentile_text(r: pd.Series) -> str:
    """"25 [17, 32]", or the reason there is no percentile."""
    if not _nan(r["human_percentile"]):
        ci = "" if _nan(r["pct_ci_low"]) else f" [{fmt(r['pct_ci_low'], '.0f')}, {fmt(r['pct_ci_high'], '.0f')}]"
        return f"{fmt(r['human_percentile'], '.0f')}{ci}"
    return str(r["note"]) if isinstance(r["note"], str) else "no human norm"


def format_table(summary: pd.DataFrame) -> str:
    """A compact fixed-width table for the terminal."""
    head = (f"{'task':<18} {'scorer':<14} {'n':>4}  {'score [95% CI] over':<32} {'human median':>12}  "
            f"{'human %ile of typical answer [95% CI]'}")
    lines = [head, "-" * len(head)]
    for _, r in summary.iterrows():
        lines.append(f"{r['task_id']:<18} {r['scorer']:<14} {int(r['n']):>4}  {score_text(r):<32} "
                     f"{fmt(r['human_median']):>12}  {percentile_text(r)}")
    return "\n".join(lines)


__all__ = ["PRIMARY_SCORERS", "SUMMARY_COLUMNS", "format_table", "fmt", "percentile_text", "primary_scorer",
           "score_text", "summary_table"]
