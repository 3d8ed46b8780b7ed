"""`creativity-bench evaluate`: run, score against human norms, leaderboard and report."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add ``evaluate`` to the top-level app."""

    @app.command("evaluate")
    def evaluate_cmd(
        model: str = typer.Option("llamacpp/smollm2", "--model", help="provider/model: llamacpp/smollm2, llamacpp/PATH.gguf, openai/MODEL, hf/PATH, replay/FILE"),
        model_opt: Optional[List[str]] = typer.Option(None, "-M", "--model-option", help="backend option key=value (repeatable)"),
        suite: Optional[str] = typer.Option(None, "--suite", help="named suite (smoke, core, full)"),
        task: Optional[str] = typer.Option(None, "--task", help="one task id instead of a suite"),
        out: Path = typer.Option(..., "--out", help="output folder; re-run with the same folder to resume"),
        scorer: Optional[str] = typer.Option(None, "--scorer", help="comma-separated scorers (default: each task's own, LLM judges excluded)"),
        judge: bool = typer.Option(False, "--judge", help="also run the LLM-judge scorers the tasks list (slow on CPU)"),
        n: Optional[int] = typer.Option(None, "--n", min=1, help="samples per item (default: each task's own)"),
        seed: int = typer.Option(0, "--seed", help="run seed (recorded in the manifest)"),
        limit: Optional[int] = typer.Option(None, "--limit", min=1, help="first K items of each task"),
        concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1, help="parallel requests"),
        quiet: bool = typer.Option(False, "--quiet", help="no progress bars"),
        rat_items: Optional[Path] = typer.Option(None, "--rat-items", help="add a published normed RAT item set (CSV), scored against its own solutions and solve rates"),
    ) -> None:
        """Run a model on a suite, score every answer, place it among people, write leaderboard and report."""
        from benchmark.evaluation import evaluate
        from benchmark.evaluation.next_steps import next_steps_lines
        from benchmark.evaluation.summary import format_table
        from benchmark.models import parse_model_options

        if not suite and not task and rat_items is None:
            suite = "core"
        result = evaluate(
            model, out=out, suite=suite, task=task, model_options=parse_model_options(model_opt),
            scorers=[s.strip() for s in scorer.split(",") if s.strip()] if scorer else None, judge=judge,
            n=n, seed=seed, limit=limit, concurrency=concurrency, progress=not quiet, rat_items=rat_items,
        )
        rs = result.run_summary
        t = result.totals
        typer.echo(f"\n{model} on {suite or task or rat_items}: {t['ok']} responses ({t['errors']} errors), {t['tokens']} tokens; "
                   f"this session generated {rs.generated} ({rs.skipped} were already done)\n")
        typer.echo(format_table(result.summary))
        typer.echo(f"\nreport: {out / 'report.html'} (also report.md, report.json); "
                   f"leaderboard: {out / 'leaderboard.md'}; responses and scores: {result.run_dir}\n")
        typer.echo("\n".join(next_steps_lines(model, suite or task or "core")))
        if rs.errors:
            typer.echo(f"\n{rs.errors} units ended with an error; re-run the same command to retry them", err=True)
            raise SystemExit(1)
