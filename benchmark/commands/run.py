"""`creativity-bench run`: generate a suite's responses with one model into a run folder.

Exit codes: 0 all units ok; 1 some units ended with an error (re-run the same command to
retry them); 2 bad input (unknown model, missing file, bad -M), one line on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer


def _temperature(value: Optional[float]) -> Optional[float]:
    """NaN and negative temperatures used to be accepted and sent to the model."""
    if value is not None and not (value >= 0 and value != float("inf")):
        raise typer.BadParameter(f"{value} is not a finite number >= 0 (e.g. 0.7; 0 is greedy)")
    return value


def register(app: typer.Typer) -> None:
    """Add ``run`` to the top-level app."""

    @app.command("run")
    def run(
        model: str = typer.Option(..., "--model", help="provider/model: llamacpp/smollm2, llamacpp/PATH.gguf, openai/MODEL, hf/PATH, replay/FILE"),
        model_opt: Optional[List[str]] = typer.Option(None, "-M", "--model-option", help="backend option key=value (repeatable), e.g. -M base_url=http://127.0.0.1:8000/v1"),
        suite: Optional[str] = typer.Option(None, "--suite", help="named suite from tasks/suites.yaml (smoke, core, full)"),
        task: Optional[str] = typer.Option(None, "--task", help="one task id instead of a suite"),
        out: Path = typer.Option(..., "--out", help="run folder (its name is the run id); re-run with the same folder to resume"),
        n: Optional[int] = typer.Option(None, "--n", min=1, help="samples per item (default: each task's own)"),
        seed: int = typer.Option(0, "--seed", help="run seed; per-sample seeds derive from it"),
        concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1, help="parallel requests (default: the backend's)"),
        limit: Optional[int] = typer.Option(None, "--limit", min=1, help="first K items of each task"),
        temperature: Optional[float] = typer.Option(None, "--temperature", callback=_temperature, help="override each task's temperature (a finite number >= 0)"),
        max_tokens: Optional[int] = typer.Option(None, "--max-tokens", min=1, help="override each task's max tokens"),
        retries: int = typer.Option(5, "--retries", min=1, help="attempts per unit for transient errors"),
        cache: Optional[Path] = typer.Option(None, "--cache", help="cache folder (default ~/.cache/creativity-bench)"),
        no_cache: bool = typer.Option(False, "--no-cache", help="always generate; do not read or write the cache"),
        quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
        rat_items: Optional[Path] = typer.Option(None, "--rat-items", help="a published normed RAT item set (CSV with cues, solution, solve rates), e.g. Bowden & Jung-Beeman 2003; added to the suite, or run alone"),
    ) -> None:
        """Generate responses for a suite or a task with one model (resumable)."""
        from benchmark.models import get_model, parse_model_options
        from benchmark.runner import RetryPolicy, Runner, load_items

        options = parse_model_options(model_opt)
        if concurrency is not None:
            options["concurrency"] = concurrency
        items = load_items(suite, task, rat_items)
        backend = get_model(model, **options)
        runner = Runner(
            backend, items, out, seed=seed, n=n, limit=limit, temperature=temperature, max_tokens=max_tokens,
            retry=RetryPolicy(max_attempts=retries), cache_dir=cache, use_cache=not no_cache, progress=not quiet,
        )
        try:
            summary = runner.run(close_model=True)
        except KeyboardInterrupt:
            # SystemExit, not typer.Exit: typer returns (not raises) Exit codes when
            # standalone_mode=False, and the exit status must reach the shell.
            print("interrupted: finished work is saved; run the same command again to resume", file=sys.stderr)
            raise SystemExit(130) from None
        typer.echo(
            f"{summary.run_id}: {summary.items} items, {summary.units} responses "
            f"({summary.skipped} already done, {summary.generated} now, {summary.cached} from cache); "
            f"{summary.tokens} new tokens, {summary.tokens_per_s:.1f} tokens/s; {summary.wall_s:.1f} s in all"
        )
        for example in summary.error_examples:
            typer.echo(f"  error: {example}")
        typer.echo(f"{summary.line()}\nfiles: {summary.responses_path} and {summary.run_dir / 'manifest.json'}")
        if summary.errors:
            raise SystemExit(1)
