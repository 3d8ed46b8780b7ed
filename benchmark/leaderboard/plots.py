"""The pictures: the sources x tasks heatmap and one plot per task.

Both show the same numbers as the tables: the human percentile of each source's typical
answer (50 = the median person, a line on every plot), with its 95% CI. Cells without a
percentile are grey and carry their short reason. PNGs are written without a timestamp
or version stamp, so the same figures give the same bytes.
"""

from __future__ import annotations

import io
import math
import textwrap

import pandas as pd

from benchmark.leaderboard.catalog import task_label

PNG_METADATA = {"Software": None}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "creativity-bench", "font.size": 9})
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata=PNG_METADATA)
    _plt().close(fig)
    return buf.getvalue()


def short_reason(cell: pd.Series) -> str:
    """What a grey heatmap cell says (the full reason is in the tables)."""
    if cell["kind"] == "solved":
        return f"solved\n{cell['score']}"
    if cell["kind"] == "score":
        return "other\nprompts" if str(cell["reason"]).startswith("people answered other") else "no human\ndata"
    reason = str(cell["reason"] or "")
    if reason in ("no published answers", "not in this run"):
        return "-"
    if "valid nouns" in reason:
        return "no valid\nanswer"
    return "\n".join(textwrap.wrap(reason, 12)[:2])


def heatmap_png(matrix: pd.DataFrame, tasks: list[str], sources: list[str]) -> bytes:
    """Sources x tasks, coloured by human percentile (diverging at 50)."""
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    plt = _plt()
    grid = np.full((len(sources), len(tasks)), np.nan)
    cells = {(r["source"], r["task_id"]): r for _, r in matrix.iterrows()}
    for i, s in enumerate(sources):
        for j, t in enumerate(tasks):
            c = cells.get((s, t))
            if c is not None and c["kind"] == "percentile":
                grid[i, j] = c["human_pct"]
    fig, ax = plt.subplots(figsize=(1.0 + 0.95 * len(tasks), 1.2 + 0.48 * len(sources)))
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#e6e6e6")
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, norm=TwoSlopeNorm(vmin=0, vcenter=50, vmax=100), aspect="auto")
    for i, s in enumerate(sources):
        for j, t in enumerate(tasks):
            c = cells.get((s, t))
            if c is None:
                continue
            if c["kind"] == "percentile":
                v = c["human_pct"]
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=9,
                        color="white" if abs(v - 50) > 32 else "black")
            else:
                ax.text(j, i, short_reason(c), ha="center", va="center", fontsize=6, color="#555555")
    labels = dict(zip(matrix["source"], matrix["source_label"]))
    ax.set_xticks(range(len(tasks)), ["\n".join(textwrap.wrap(task_label(t), 12)) for t in tasks], fontsize=8)
    ax.set_yticks(range(len(sources)), [labels.get(s, s) for s in sources], fontsize=8)
    ax.tick_params(length=0)
    ax.set_title("Human percentile of each source's typical answer (50 = the median person)", fontsize=10)
    fig.tight_layout()
    return _png(fig)


def task_plot_png(detail: pd.DataFrame, task: str, scorer: str) -> bytes | None:
    """Per source: the typical answer's human percentile with its CI, or the mean score
    with its CI when the task has no human reference. None when nothing was scored."""
    plt = _plt()
    d = detail[(detail["task_id"] == task) & (detail["scorer"] == scorer) & (detail["n"] > 0)]
    if d.empty:
        return None
    has_pct = d["human_pct"].notna().any()
    d = d.sort_values("human_pct" if has_pct else "mean", na_position="first")
    y = range(len(d))
    x = d["human_pct"] if has_pct else d["mean"]
    lo = d["pct_low"] if has_pct else d["ci_low"]
    hi = d["pct_high"] if has_pct else d["ci_high"]
    fig, ax = plt.subplots(figsize=(6.2, 0.9 + 0.42 * len(d)))
    for k, (xv, lv, hv, human) in enumerate(zip(x, lo, hi, d["is_human"])):
        colour = "#4c72b0" if human else "#dd8452"
        if not (math.isnan(lv) or math.isnan(hv)):
            ax.plot([lv, hv], [k, k], color=colour, lw=2.5, alpha=0.6)
        if not math.isnan(xv):
            ax.plot([xv], [k], "o", color=colour, ms=7)
    ax.set_yticks(list(y), list(d["source_label"]), fontsize=8)
    if has_pct:
        ax.axvline(50, color="#888888", ls="--", lw=1)
        ax.set_xlim(0, 100)
        ax.set_xlabel("human percentile of the typical answer (95% CI)")
    else:
        ax.set_xlabel(f"{scorer}: mean score (95% CI); no human reference")
    ax.set_title(f"{task_label(task)} ({scorer})", fontsize=10)
    fig.tight_layout()
    return _png(fig)


__all__ = ["heatmap_png", "short_reason", "task_plot_png"]
