"""`creativity-bench rebuild-leaderboard`: the published leaderboard from shared data and the published runs.

Replays every published source (people, GPT-3, GPT-4, Vicuna) through the runner, scores
them and the published model runs with the same scorers, and writes
``results/leaderboard/`` (same seed, same bytes). Texts stay in ``OUT/cache/`` (ignored).
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add ``rebuild-leaderboard`` to the top-level app."""

    @app.command("rebuild-leaderboard")
    def rebuild_cmd(
        data: Path = typer.Option(..., "--data", help="the shared human data folder (../shared/data)"),
        out: Path = typer.Option(Path("results/leaderboard"), "--out", help="output folder"),
        run: Optional[List[Path]] = typer.Option(None, "--run", help="a published run folder (repeatable; default: the SmolLM2 and Gemma core runs)"),
        seed: int = typer.Option(0, "--seed", help="seed of the replay runs, subsets and bootstraps"),
        n_boot: int = typer.Option(1000, "--n-boot", min=100, help="bootstrap rounds for the CIs"),
        per_item: Optional[int] = typer.Option(None, "--per-item", min=1, help="at most N answers per source and item (a quick subset)"),
        only: Optional[str] = typer.Option(None, "--only", help="comma-separated sources to include (default: all)"),
        work: Optional[Path] = typer.Option(None, "--work", help="working folder for replay files, runs and scores (default OUT/cache)"),
        quiet: bool = typer.Option(False, "--quiet", help="no progress bars"),
    ) -> None:
        """Rebuild the published leaderboard (people and real models side by side)."""
        from benchmark.leaderboard.rebuild import PUBLISHED_RUNS, rebuild

        result = rebuild(data, out, runs=run or PUBLISHED_RUNS, work_dir=work, seed=seed, n_boot=n_boot, per_item=per_item,
                         only=[s.strip() for s in only.split(",") if s.strip()] if only else None, progress=not quiet)
        typer.echo(f"{len(result.sources)} sources, {result.responses} answers "
                   f"({result.scored_fresh} score tables computed, the rest from the cache)")
        for name in sorted(result.files):
            typer.echo(f"wrote {result.files[name]}")
