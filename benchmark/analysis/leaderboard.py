"""The leaderboard: models and human pools ranked together per task x scorer.

Why these columns: a mean alone hides how sure we are, so each source gets a bootstrap CI
over *items* (responses to one item are not independent); ranks use the CI-overlap rule
(rank = 1 + number of sources whose lower bound exceeds this one's upper bound) so that
sources that cannot be told apart share a rank; human percentiles put a model's score on
the scale of people: the percentile of the source's mean among human responses to the same
task and scorer (in the task-level human norm of ``benchmark.scoring.norms`` when one exists
for that scorer version, else among the human sources in the table, else NaN; the
``pct_basis`` column says which), and the mean of the per-response ``human_percentile``
attached by the norms.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from benchmark.analysis.effects import mean_ci
from benchmark.analysis.pairwise import ranks_from_ci
from benchmark.errors import BenchError
from benchmark.records import is_human_source
from benchmark.tabular import write_table, write_text_atomic

LEADERBOARD_COLUMNS = [
    "task_id", "scorer", "rank", "source", "is_human", "mean", "ci_low", "ci_high", "median",
    "human_pct_of_mean", "pct_basis", "mean_human_percentile", "n", "n_items", "norm_id",
]


def _norm_percentile(task: str, scorer: str, rows: pd.DataFrame, mean: float) -> tuple[float, str | None]:
    """Percentile of ``mean`` in the task-level human norm for this scorer version."""
    if not np.isfinite(mean):
        return np.nan, None
    try:
        from benchmark.scoring.norms import load_norms
    except ImportError:  # the scoring stage is optional here
        return np.nan, None
    version = rows["scorer_version"].mode().iloc[0] if "scorer_version" in rows.columns and rows["scorer_version"].notna().any() else None
    try:
        pct, norm_id = load_norms().lookup(task, None, scorer, float(mean), version)
    except Exception:  # a malformed or missing norm file must not break the leaderboard
        return np.nan, None
    return (float(pct), f"norm {norm_id}") if norm_id and np.isfinite(pct) else (np.nan, None)


def build_leaderboard(scores: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per task x scorer x source (see module docstring for the columns)."""
    need = ["task_id", "item_id", "source", "scorer", "value"]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise BenchError(f"scores table lacks column(s) {', '.join(missing)}", fix="pass a table written by `creativity-bench score`")
    df = scores.copy()
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df = df[df["value"].notna()]
    if "human_percentile" not in df.columns:
        df["human_percentile"] = np.nan
    if "norm_id" not in df.columns:
        df["norm_id"] = None
    rows = []
    for (task, scorer), g in df.groupby(["task_id", "scorer"], sort=True):
        human_vals = g.loc[g["source"].map(is_human_source), "value"].to_numpy()
        block = []
        for src, s in g.groupby("source", sort=True):
            items = s.groupby("item_id")["value"].mean().to_numpy()
            m, lo, hi = mean_ci(items, n_boot=n_boot, seed=seed)
            pct, basis = _norm_percentile(task, scorer, s, m)
            if np.isnan(pct) and len(human_vals):
                pct, basis = float(stats.percentileofscore(human_vals, m, kind="mean")), "human sources in this table"
            norms = [n for n in s["norm_id"].dropna().unique()]
            block.append({
                "task_id": task, "scorer": scorer, "source": src, "is_human": is_human_source(src),
                "mean": m, "ci_low": lo, "ci_high": hi, "median": float(s["value"].median()),
                "human_pct_of_mean": pct, "pct_basis": basis, "mean_human_percentile": float(s["human_percentile"].mean()),
                "n": int(len(s)), "n_items": int(len(items)), "norm_id": ",".join(map(str, norms)) or None,
            })
        b = pd.DataFrame(block)
        lo = b["ci_low"].fillna(b["mean"]).to_numpy()
        hi = b["ci_high"].fillna(b["mean"]).to_numpy()
        b["rank"] = ranks_from_ci(lo, hi)
        rows.append(b.sort_values(["rank", "mean"], ascending=[True, False]))
    if not rows:
        raise BenchError("no numeric scores to rank")
    return pd.concat(rows, ignore_index=True)[LEADERBOARD_COLUMNS]


def load_results(results_dir: str | os.PathLike) -> pd.DataFrame:
    """Concatenate every ``DIR/**/scores.parquet`` (adds ``run_dir``; fills ``source``
    from responses.parquet / manifest.json beside it when the scores lack it)."""
    root = Path(results_dir)
    if not root.is_dir():
        raise BenchError("results folder not found", where=str(root), fix="pass the folder that holds runs/*/scores.parquet")
    files = sorted(root.rglob("scores.parquet"))
    if not files:
        raise BenchError("no scores.parquet below this folder", where=str(root), fix="run `creativity-bench score` first")
    frames = []
    for f in files:
        df = pd.read_parquet(f)
        df["run_dir"] = str(f.parent.relative_to(root))
        if "source" not in df.columns or df["source"].isna().all():
            manifest = f.parent / "manifest.json"
            src = None
            if manifest.exists():
                src = json.loads(manifest.read_text()).get("source")
            if src is None and (f.parent / "responses.parquet").exists():
                src = pd.read_parquet(f.parent / "responses.parquet", columns=["source"])["source"].iloc[0]
            df["source"] = src
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _fmt(v) -> str:
    if isinstance(v, float):
        return "" if np.isnan(v) else f"{v:.3g}"
    return "" if v is None else str(v)


def leaderboard_markdown(lb: pd.DataFrame) -> str:
    out = ["# Leaderboard", "",
           "Sources (models and human pools) ranked per task and scorer. Mean with a 95% bootstrap CI "
           "over items; rank = 1 + number of sources whose CI lies entirely above this one's; "
           "human %ile of mean = percentile of the source's mean among people (task-level norm, else the human "
           "sources in this table); "
           "mean human %ile = mean of per-response percentiles against the human norm (norm_id).", ""]
    for (task, scorer), g in lb.groupby(["task_id", "scorer"], sort=True):
        out += [f"## {task} / {scorer}", "",
                "| rank | source | mean | 95% CI | median | human %ile of mean | mean human %ile | n |",
                "|---:|---|---:|---|---:|---:|---:|---:|"]
        for _, r in g.iterrows():
            name = f"**{r['source']}**" if r["is_human"] else r["source"]
            out.append(f"| {r['rank']} | {name} | {_fmt(r['mean'])} | [{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}] | "
                       f"{_fmt(r['median'])} | {_fmt(r['human_pct_of_mean'])} | {_fmt(r['mean_human_percentile'])} | {r['n']} |")
        out.append("")
    return "\n".join(out)


def write_leaderboard(lb: pd.DataFrame, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write leaderboard.csv, .json, .md and .html (each atomically)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": write_table(lb, out / "leaderboard.csv")}
    records = json.loads(lb.to_json(orient="records"))
    paths["json"] = write_text_atomic(out / "leaderboard.json", json.dumps(records, indent=1))
    md = leaderboard_markdown(lb)
    paths["md"] = write_text_atomic(out / "leaderboard.md", md)
    from benchmark.analysis.report import markdown_to_html

    paths["html"] = write_text_atomic(out / "leaderboard.html", markdown_to_html(md, title="creativity-bench leaderboard"))
    return paths
