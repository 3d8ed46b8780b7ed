"""Numbers as people read them: one formatter for every view (Markdown, HTML, the app,
the terminal), so an empty CI is never "[, ]" and a missing value is never "None".
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

CI_OVER = {
    "items": "95% CI, bootstrap over items",
    "responses": "95% CI, bootstrap over responses (one prompt)",
    "none": "no CI",
}


def missing(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def num(v: Any, spec: str = ".3g") -> str:
    """A number, or "-" when there is none."""
    return "-" if missing(v) else format(float(v), spec)


def ci(low: Any, high: Any, over: str, n: int, spec: str = ".3g") -> str:
    """"[0.37, 0.59]" or why there is no interval."""
    if missing(low) or missing(high):
        if n == 0:
            return "-"
        if n == 1:
            return "no CI (1 answer)"
        return "no CI"
    return f"[{num(low, spec)}, {num(high, spec)}]"


def ci_basis(over: str) -> str:
    return {"items": "items", "responses": "responses"}.get(over, "-")


def pct(v: Any) -> str:
    return "-" if missing(v) else f"{float(v):.0f}"


def text(v: Any) -> str:
    """A cell for a reader: "-" for nothing, never "None" or "nan"."""
    return "-" if missing(v) or (isinstance(v, str) and not v.strip()) else str(v)


def detail_view(detail: pd.DataFrame) -> pd.DataFrame:
    """The per-task detail with readable column names and every cell filled."""
    rows = []
    for _, r in detail.iterrows():
        score = r["solved"] if isinstance(r["solved"], str) else num(r["mean"])
        rows.append({
            "Rank": text(r["rank_label"]),
            "Source": r["source_label"] if r["source_label"] == r["source"] else f"{r['source_label']} ({r['source']})",
            "Score": score,
            "95% CI": ci(r["ci_low"], r["ci_high"], r["ci_over"], int(r["n"])) if r["scorer"] != "rat" or r["n"] else "-",
            "CI over": ci_basis(r["ci_over"]),
            "Typical (median)": num(r["median"]),
            "Human %ile": pct(r["human_pct"]),
            "%ile 95% CI": "-" if missing(r["pct_low"]) else f"[{pct(r['pct_low'])}, {pct(r['pct_high'])}]",
            "Answers": int(r["n"]),
            "Items": int(r["n_items"]),
            "Note": _note(r),
        })
    return pd.DataFrame(rows)


def references(rows: pd.DataFrame) -> str:
    """The human reference(s) of one task x scorer, in words (single-idea sources may have their own)."""
    refs = list(dict.fromkeys(str(r) for r in rows["reference"] if isinstance(r, str) and r.strip()))
    return "; ".join(refs) if refs else "none (no human data for this task and scorer)"


def _note(r: pd.Series) -> str:
    parts = [str(r["note"])] if isinstance(r["note"], str) and r["note"].strip() else []
    if r["n"] and r["n_unscored"]:
        parts.append(f"{int(r['n_unscored'])} answers unscored")
    return "; ".join(parts) or "-"


def matrix_view(matrix: pd.DataFrame, tasks: list[str]) -> pd.DataFrame:
    """Sources as rows, tasks as columns, each cell its figure or its reason."""
    from benchmark.leaderboard.catalog import task_label

    out = []
    for src, g in matrix.groupby("source", sort=False):
        row = {"Source": g["source_label"].iloc[0]}
        cells = dict(zip(g["task_id"], g["cell"]))
        for t in tasks:
            row[task_label(t)] = text(cells.get(t))
        out.append(row)
    return pd.DataFrame(out)


__all__ = ["CI_OVER", "ci", "ci_basis", "detail_view", "matrix_view", "missing", "num", "pct", "references", "text"]
