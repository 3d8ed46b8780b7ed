"""`creativity-bench leaderboard`: rank models and human pools per task, and a sources x tasks matrix.

Reads every ``DIR/**/scores.parquet`` (score tables with responses.parquet and
manifest.json beside them) and writes leaderboard.csv/.json/.md/.html, matrix.csv,
heatmap.png and plots/; ``--push-to-hub`` publishes it as a ``datasets`` dataset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    """Add ``leaderboard`` to the top-level app."""

    @app.command("leaderboard")
    def leaderboard(
        results: Path = typer.Option(..., "--results", help="folder searched for **/scores.parquet"),
        out: Path = typer.Option(..., "--out", help="output folder for leaderboard.csv/.json/.md/.html, matrix.csv, heatmap.png"),
        n_boot: int = typer.Option(1000, "--n-boot", help="bootstrap rounds for the CIs"),
        seed: int = typer.Option(0, "--seed", help="bootstrap seed"),
        push_to_hub: Optional[str] = typer.Option(None, "--push-to-hub", help="OWNER/NAME: publish the leaderboard as a datasets dataset"),
        hub_local_dir: Optional[Path] = typer.Option(None, "--hub-local-dir", help="with --push-to-hub: save_to_disk here instead of pushing (offline)"),
        allow_duplicates: bool = typer.Option(False, "--allow-duplicates", help="keep a score given twice for one response and scorer, each copy counted as its own score (default: refused)"),
    ) -> None:
        """Build the leaderboard from scored runs."""
        from benchmark.leaderboard import build, load_results, write_leaderboard

        board = build(load_results(results, allow_duplicates=allow_duplicates), n_boot=n_boot, seed=seed)
        paths = write_leaderboard(board, out)
        for name in sorted(paths):
            typer.echo(f"wrote {paths[name]}")
        if push_to_hub:
            from benchmark.analysis.hub import push_leaderboard

            typer.echo(f"published to {push_leaderboard(board, push_to_hub, local_dir=hub_local_dir)}")
