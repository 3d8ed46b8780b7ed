"""The per-task summary: the model's score, the human median, the model's human percentile.

One scorer speaks for each task (``primary_scorer``): the first of ``PRIMARY_SCORERS``
that the task was scored with, preferring scorers validated against human ratings and
backed by human norms. The model's score is the mean over items with a bootstrap CI that
resamples items (from the leaderboard); its human percentile is where that mean falls in
the task-level human distribution, and the CI of the percentile is the CI of the mean
mapped through the same distribution (the map is monotone, so this is exact).
"""

from __future__ import annotations

import math

import pandas as pd

PRIMARY_SCORERS = (
    "originality", "dat", "rat", "semdis_minilm", "judge_writing", "judge_originality",
    "fluency", "diversity",
)

SUMMARY_COLUMNS = [
    "task_id", "scorer", "source", "n", "n_items", "mean", "ci_low", "ci_high",
    "human_median", "human_percentile", "pct_ci_low", "pct_ci_high", "norm_id", "human_data", "note",
]


def primary_scorer(scorers_used: set[str]) -> str | None:
    for name in PRIMARY_SCORERS:
        if name in scorers_used:
            return name
    return sorted(scorers_used)[0] if scorers_used else None


def summary_table(scores: pd.DataFrame, leaderboard: pd.DataFrame) -> pd.DataFrame:
    """One row per task x source: the primary scorer's figures against the human norm."""
    from benchmark.scoring.norms import load_norms

    index = load_norms()
    rows = []
    for task_id, g in scores.groupby("task_id", sort=True):
        scorer = primary_scorer(set(g["scorer"]))
        if scorer is None:
            continue
        sg = g[g["scorer"] == scorer]
        version = str(sg["scorer_version"].iloc[0])
        entry = index.find(task_id, scorer, version)
        dist = entry.task if entry is not None else None
        lb = leaderboard[(leaderboard["task_id"] == task_id) & (leaderboard["scorer"] == scorer)]
        pct = lambda v: dist.percentile(v) if dist is not None and not _nan(v) else math.nan  # noqa: E731
        norm = {
            "human_median": dist.quantiles[50] if dist is not None else math.nan,
            "norm_id": entry.norm_id if entry is not None else None,
            "human_data": f"{entry.norm_id.split(':')[0]} (n={dist.n})" if entry is not None else None,
        }
        for source, src_scores in sg.groupby("source", sort=True):
            ranked = lb[lb["source"] == source]
            if ranked.empty:  # every response unscorable: say why instead of dropping the task
                rows.append({"task_id": task_id, "scorer": scorer, "source": source, "n": 0, "n_items": 0,
                             "mean": math.nan, "ci_low": math.nan, "ci_high": math.nan, "human_percentile": math.nan,
                             "pct_ci_low": math.nan, "pct_ci_high": math.nan, **norm,
                             "note": f"no score for {len(src_scores)} responses: {_top_reason(src_scores)}"})
                continue
            r = ranked.iloc[0]
            rows.append({
                "task_id": task_id, "scorer": scorer, "source": source, "n": int(r["n"]),
                "n_items": int(r["n_items"]), "mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                "human_percentile": pct(r["mean"]), "pct_ci_low": pct(r["ci_low"]), "pct_ci_high": pct(r["ci_high"]),
                **norm, "note": None,
            })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _top_reason(scores: pd.DataFrame) -> str:
    """The most common ``reason`` in the details of unscorable responses (shortened)."""
    import json

    reasons = [str(json.loads(d).get("reason", "unknown")) for d in scores["details"] if isinstance(d, str)]
    if not reasons:
        return "unknown"
    top = max(set(reasons), key=reasons.count).split(";")[0]
    return top[:60]


def _nan(v: object) -> bool:
    try:
        return v is None or math.isnan(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def fmt(v: object, spec: str = ".2f") -> str:
    """A number for a table; '-' for a missing one."""
    return "-" if _nan(v) else format(float(v), spec)  # type: ignore[arg-type]


def format_table(summary: pd.DataFrame) -> str:
    """A compact fixed-width table for the terminal."""
    f = fmt
    head = f"{'task':<20} {'scorer':<14} {'n':>4}  {'model [95% CI]':<24} {'human median':>12}  {'human %ile [95% CI]':<20}"
    lines = [head, "-" * len(head)]
    for _, r in summary.iterrows():
        model = f"{f(r['mean'])} [{f(r['ci_low'])}, {f(r['ci_high'])}]"
        if _nan(r["mean"]):
            model, pct = "-", str(r["note"])
        elif _nan(r["human_percentile"]):
            pct = "no human norm"
        else:
            pct = f"{f(r['human_percentile'], '.0f')} [{f(r['pct_ci_low'], '.0f')}, {f(r['pct_ci_high'], '.0f')}]"
        lines.append(f"{r['task_id']:<20} {r['scorer']:<14} {int(r['n']):>4}  {model:<24} {f(r['human_median']):>12}  {pct:<20}")
    return "\n".join(lines)
