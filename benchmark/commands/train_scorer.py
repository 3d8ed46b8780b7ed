"""`creativity-bench train-scorer`: refit the learned originality scorer on a lab's ratings.

Why: the shipped model reflects the ocsai raters; a lab with its own rating norms (other
objects, another population, another scale) refits it in minutes and points the scorer
at the result with ``-O originality.params=DIR``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def train_scorer(
    data: Path = typer.Option(..., "--data", help="Ratings: long CSV/TSV/JSONL/Parquet (item, text, rating[, task]) or ocsai JSONL."),
    out: Path = typer.Option(..., "--out", help="Folder to write params.npz and provenance.json into."),
    task: Optional[str] = typer.Option(None, "--task", help="Only this task (aut, consequences, instances); default: the file's task column, else aut."),
    val: Optional[Path] = typer.Option(None, "--val", help="Validation ratings (same formats) to choose hyper-parameters and report r."),
    seed: int = typer.Option(0, "--seed", help="Seed for the PCA (recorded in provenance.json)."),
) -> None:
    """Fit the per-task ridge heads and per-item codebooks, print the validation r, write the parameters."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from benchmark.scoring.originality import fit_model, read_ratings

    train_df = read_ratings(data, task=task)
    val_df = read_ratings(val, task=task) if val is not None else None
    typer.echo(f"fitting on {len(train_df)} rated responses ({', '.join(f'{t}: {n}' for t, n in train_df['task'].value_counts().items())})")
    model, report = fit_model(train_df, val_df, seed=seed, source=f"{data} (val: {val})")
    written = model.save(out)
    if report.val_r is not None:
        per = ", ".join(f"{t} {r:.3f}" for t, r in report.val_r_by_task.items())
        typer.echo(f"val Pearson r = {report.val_r:.3f} (n={report.n_val}; {per}); ridge alpha per task {report.alphas}")
    else:
        typer.echo("no --val given: no validation r (pass --val FILE to choose and report)")
    typer.echo(f"wrote {written / 'params.npz'} and provenance.json; use them with: creativity-bench score ... --scorer originality -O originality.params={written}")


def register(app: typer.Typer) -> None:
    """Add this command to the top-level app."""
    app.command("train-scorer")(train_scorer)
