"""``evaluate``: run -> score (with human percentiles) -> leaderboard -> report.

Resumable like ``run``: the run folder lives at ``OUT/runs/<slug>`` and a second call
skips every finished unit; scoring is recomputed (cheap: embeddings are cached) so that a
new scorer version or norm is always reflected. Outputs are written atomically.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark.errors import BenchError
from benchmark.tabular import write_table


@dataclass
class EvaluationResult:
    out_dir: Path
    run_dir: Path
    run_summary: Any
    scores: pd.DataFrame
    leaderboard: Any  # benchmark.leaderboard.Leaderboard (.detail, .matrix)
    summary: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)  # whole run, earlier sessions included


def _with_published_solutions(responses: pd.DataFrame, rat_items: str | Path) -> pd.DataFrame:
    from benchmark.scoring.prepare import solution_text
    from benchmark.tasks import rat_baseline

    sol = {str(r["item_id"]): solution_text(r) for r in rat_baseline(rat_items).to_dict(orient="records")}
    out = responses.copy()
    out["solution"] = [sol.get(str(i)) if t == "rat" else None for t, i in zip(out["task_id"], out["item_id"])]
    return out


def run_slug(model: str, suite: str | None, task: str | None) -> str:
    """A readable, filesystem-safe run id: ``llamacpp-smollm2-core``."""
    raw = f"{model}-{suite or task or 'run'}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", raw).strip("-")[:120]


def evaluate(
    model: str,
    *,
    out: str | Path,
    suite: str | None = None,
    task: str | None = None,
    model_options: dict[str, Any] | None = None,
    scorers: list[str] | None = None,
    judge: bool = False,
    n: int | None = None,
    seed: int = 0,
    limit: int | None = None,
    concurrency: int | None = None,
    rat_items: str | Path | None = None,
    progress: bool = True,
    n_boot: int = 1000,
) -> EvaluationResult:
    """Evaluate one model on a suite (or a task) against the human norms."""
    from benchmark.analysis import build_leaderboard, write_leaderboard
    from benchmark.evaluation.report import write_evaluation_report
    from benchmark.evaluation.summary import summary_table
    from benchmark.runner import run_suite
    from benchmark.scoring import score_responses

    out_dir = Path(out)
    run_dir = out_dir / "runs" / run_slug(model, suite or task or "rat-published", None)
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    run_summary = run_suite(
        model, out=run_dir, suite=suite, task=task, model_options=model_options, concurrency=concurrency,
        seed=seed, n=n, limit=limit, progress=progress, rat_items=rat_items,
    )
    timings["run_s"] = time.perf_counter() - t0
    responses = pd.read_parquet(run_summary.responses_path)
    ok = responses[responses["error"].isna()] if "error" in responses else responses
    if ok.empty:
        raise BenchError(
            f"no successful responses in {run_summary.run_id} ({run_summary.errors} errors)",
            where=str(run_dir), fix="check that the model server is reachable, then re-run to retry",
        )

    if rat_items is not None:  # published items are not in the suite: bring their solutions along
        ok = _with_published_solutions(ok, rat_items)

    t0 = time.perf_counter()
    names: list[str] | None = list(scorers) if scorers else None
    if judge and names is None:
        from benchmark.tasks import load_all_tasks

        tasks = load_all_tasks()  # every scorer the tasks list, the LLM judges included
        names = list(dict.fromkeys(s for t in ok["task_id"].unique() if t in tasks for s in tasks[t].scorers))
    scores = score_responses(ok, names, progress=progress, where=str(run_summary.responses_path))
    write_table(scores, run_dir / "scores.parquet")
    timings["score_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lb = build_leaderboard(scores, n_boot=n_boot, seed=seed)
    files = dict(write_leaderboard(lb, out_dir))
    summary = summary_table(scores, lb)
    files["summary.csv"] = write_table(summary, out_dir / "summary.csv")
    timings["leaderboard_s"] = time.perf_counter() - t0

    totals = {"responses": int(len(responses)), "ok": int(len(ok)), "errors": int(len(responses) - len(ok)),
              "tokens": int(pd.to_numeric(responses.get("tokens"), errors="coerce").fillna(0).sum())}
    result = EvaluationResult(out_dir, run_dir, run_summary, scores, lb, summary, files, timings, totals)
    files.update(write_evaluation_report(result, model=model, suite=suite or task or "rat-published"))
    return result
