"""`creativity-bench leaderboard`: rank models and human pools per task x scorer.

Reads every ``DIR/**/scores.parquet`` (score tables with ``human_percentile``/``norm_id``,
with responses.parquet and manifest.json beside them) and writes leaderboard.csv,
.json, .md and .html; ``--push-to-hub`` publishes it as a ``datasets`` dataset.
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
        out: Path = typer.Option(..., "--out", help="output folder for leaderboard.csv/.json/.md/.html"),
        n_boot: int = typer.Option(1000, "--n-boot", help="bootstrap rounds over items for the CIs"),
        seed: int = typer.Option(0, "--seed", help="bootstrap seed"),
        push_to_hub: Optional[str] = typer.Option(None, "--push-to-hub", help="OWNER/NAME: publish the leaderboard as a datasets dataset"),
        hub_local_dir: Optional[Path] = typer.Option(None, "--hub-local-dir", help="with --push-to-hub: save_to_disk here instead of pushing (offline)"),
    ) -> None:
        """Build the leaderboard from scored runs."""
        from benchmark.analysis import build_leaderboard, load_results, write_leaderboard

        lb = build_leaderboard(load_results(results), n_boot=n_boot, seed=seed)
        paths = write_leaderboard(lb, out)
        for p in paths.values():
            typer.echo(f"wrote {p}")
        if push_to_hub:
            from benchmark.analysis.hub import push_leaderboard

            typer.echo(f"published to {push_leaderboard(lb, push_to_hub, local_dir=hub_local_dir)}")
