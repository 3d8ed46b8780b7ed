"""`creativity-bench study create|status|export|export-responses|import|open|close`.

A study goes from design to clean data without code: create it from runs and human
files, watch it fill (status), export the ratings in long format, and turn respond-mode
answers or outside human data into ordinary response records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

study_app = typer.Typer(help="Blind human rating studies: create, watch, export.", no_args_is_help=True)

DB_HELP = "Ratings store URL (sqlite:///PATH or postgresql+psycopg://...); default $CREATIVITY_BENCH_DB or results/ratings.db."


def _dims(specs: list[str]) -> list[dict] | None:
    """``name`` or ``name:description`` or ``name:description:1=low|5=high``."""
    if not specs:
        return None
    out = []
    for s in specs:
        name, _, rest = s.partition(":")
        desc, _, anchors = rest.partition(":")
        anchor_map = dict(a.split("=", 1) for a in anchors.split("|") if "=" in a)
        out.append({"name": name.strip(), "description": desc.strip(), "anchors": anchor_map})
    return out


@study_app.command("create")
def create(
    study_id: str = typer.Option(..., "--id", help="Study id (letters, digits, - and _)."),
    mode: str = typer.Option("likert", "--mode", help="likert | pairwise | turing | respond"),
    runs: List[Path] = typer.Option([], "--run", help="Run folder or responses file (repeatable)."),
    humans: List[Path] = typer.Option([], "--human", help="Human responses CSV/JSONL/Parquet, source human/<pool> (repeatable)."),
    pool: Optional[str] = typer.Option(None, "--pool", help="Human pool name for --human files without a source column; respond mode: the pool answers join."),
    k: int = typer.Option(3, "--k", help="Ratings per item."),
    seed: int = typer.Option(0, "--seed"),
    dimension: List[str] = typer.Option([], "--dimension", help="name[:description[:1=low|5=high]] (repeatable); default: the task's dimensions."),
    check_rate: float = typer.Option(0.1, "--check-rate", help="Share of attention checks (0.1 = one after every 10 items)."),
    min_time: float = typer.Option(3.0, "--min-time", help="Minimum seconds per item before a submit is accepted."),
    lease: float = typer.Option(900.0, "--lease", help="Seconds a claimed item is held before it goes back to the pool."),
    items_per_rater: Optional[int] = typer.Option(None, "--items-per-rater", help="Items each rater judges (default: until none left)."),
    max_failed_checks: int = typer.Option(2, "--max-failed-checks"),
    completion_code: Optional[str] = typer.Option(None, "--completion-code", help="Panel completion code (default: random)."),
    completion_url: Optional[str] = typer.Option(None, "--completion-url", help="Redirect at the end, e.g. https://app.prolific.com/submissions/complete?cc={code}"),
    include_revealing: bool = typer.Option(False, "--include-revealing", help="Keep responses that reveal their source."),
    max_items: Optional[int] = typer.Option(None, "--max-items", help="Sample at most this many items (seeded)."),
    task: List[str] = typer.Option([], "--task", help="Only these task ids (repeatable)."),
    suite: Optional[str] = typer.Option(None, "--suite", help="Respond mode: the suite participants answer."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Gold items with known answers (CSV/JSONL/Parquet)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing study of the same id (its ratings are deleted)."),
) -> None:
    """Pool runs and human responses into a blind study."""
    from benchmark.studies import StudySpec, create_study, open_store

    spec = StudySpec(study_id=study_id, mode=mode, k=k, seed=seed, dimensions=_dims(dimension), check_rate=check_rate,
                     min_time_s=min_time, lease_s=lease, max_failed_checks=max_failed_checks,
                     completion_code=completion_code, completion_url=completion_url,
                     include_revealing=include_revealing, max_items=max_items, tasks=task or None, pool=pool,
                     suite=suite, extra={"items_per_rater": items_per_rater} if items_per_rater else {})
    summary = create_study(open_store(db), spec, runs=runs, humans=humans, pool=pool, gold_file=gold, replace=replace)
    typer.echo(json.dumps(summary, indent=1))


@study_app.command("status")
def status(
    study_id: Optional[str] = typer.Option(None, "--study", help="Study id (default: list all)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Progress, raters, failed checks and the responses left out for revealing their source."""
    from benchmark.studies import open_store, study_status

    store = open_store(db)
    if study_id is None:
        for s in store.list_studies():
            typer.echo(json.dumps(study_status(store.url, s["study_id"])))
        return
    typer.echo(json.dumps(study_status(store.url, study_id), indent=1))


@study_app.command("export")
def export(
    study_id: str = typer.Option(..., "--study"),
    out: Path = typer.Option(..., "--out", help="Folder for <study>_<likert|battles|guesses>.<format>."),
    fmt: str = typer.Option("parquet", "--format", help="parquet | csv | jsonl"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Ratings in long format, with the true sources (interfaces.md section 5)."""
    from benchmark.studies import open_store, write_ratings

    for p in write_ratings(open_store(db).url, study_id, out, fmt):
        typer.echo(str(p))


@study_app.command("export-responses")
def export_responses_cmd(
    study_id: str = typer.Option(..., "--study"),
    out: Path = typer.Option(..., "--out", help="A folder (gets responses.parquet) or a table file."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Respond-mode answers as response records, source human/<pool>."""
    from benchmark.studies import open_store, write_responses

    typer.echo(str(write_responses(open_store(db).url, study_id, out)))


@study_app.command("import")
def import_cmd(
    responses: Path = typer.Option(..., "--responses", help="Human responses: task_id,item_id,text[,source,prompt,...]."),
    pool: Optional[str] = typer.Option(None, "--pool", help="Pool name when the file has no source column."),
    out: Path = typer.Option(..., "--out", help="Run folder to write (responses.parquet + manifest.json)."),
) -> None:
    """Bring outside human responses in as a run folder in the standard response format."""
    from benchmark.studies.respond import import_human_responses

    typer.echo(str(import_human_responses(responses, out, pool=pool)))


@study_app.command("open")
def open_cmd(study_id: str = typer.Option(..., "--study"), db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Let raters in."""
    from benchmark.studies import open_store

    open_store(db).set_status(study_id, "open")
    typer.echo(f"{study_id}: open")


@study_app.command("close")
def close_cmd(study_id: str = typer.Option(..., "--study"), db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Stop new ratings (raters see 'closed'; finished raters still see their code)."""
    from benchmark.studies import open_store

    open_store(db).set_status(study_id, "closed")
    typer.echo(f"{study_id}: closed")


def register(app: typer.Typer) -> None:
    """Add `study ...` to the top-level app."""
    app.add_typer(study_app, name="study")
