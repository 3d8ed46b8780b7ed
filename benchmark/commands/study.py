"""`creativity-bench study create|status|export|export-responses|import|withdraw|open|close`.

A study goes from design to clean data without code: describe it in a YAML file (flags
override the file), create it (which prints what to paste into the panel), watch it fill
(status), export the ratings in long format with the panel ids, honour withdrawals, and
turn respond-mode answers or outside human data into ordinary response records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

study_app = typer.Typer(help="Blind human rating studies: create, watch, export, withdraw.", no_args_is_help=True)

DB_HELP = "Ratings store: sqlite:///FILE or postgresql://HOST/DB (default: $CREATIVITY_BENCH_DB, else results/ratings.db)."
END_NOTES = {
    "completion": "finished: approve and pay",
    "screened": "failed the attention checks: screen out as your protocol says",
    "no_work": "came after every item had its ratings: no work done",
    "declined": "did not consent: ask them to return the study",
    "closed": "came after the study was closed: no work done",
}


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


def panel_text(summary: dict, public_url: str | None, db: str) -> str:
    """What the researcher pastes into Prolific, as plain text."""
    lines = [f"Study '{summary['study_id']}' created: {summary['mode']}, {summary['items']} items"
             + (f", k = {summary['k']}" if "k" in summary else "") + f"  ({db})", "", "Paste into Prolific:"]
    if summary.get("media"):
        m = summary["media"]
        lines.insert(1, f"  {m['images']} image(s) and {m['sounds']} sound(s) re-encoded and served blind from "
                        f"{m['served_dir']}" + (f"; each sound must play {m['listen_s']:g} s" if m["sounds"] else ""))
    lines.append(f"  Study URL: {summary['study_url']}")
    if not public_url:
        lines.append("    (replace http://127.0.0.1:8501 by the address where `creativity-bench rate` is served; "
                     "panel.url in the config)")
    lines.append("  Completion codes:")
    links = summary.get("return_links", {})
    for end, code in summary.get("codes", {}).items():
        lines.append(f"    {end:<10} {code:<10} {END_NOTES.get(end, '')}")
        if end in links:
            lines.append(f"    {'':<10} return link: {links[end]}")
    if summary["mode"] != "respond":
        lines.append(f"  Minutes per rater: about {summary['estimated_minutes']:g} "
                     f"({summary['items_per_rater']} items and {summary['checks_per_rater']} attention check(s); "
                     f"estimated {summary['minutes_per_rater']:g} min)")
        lines.append(f"  Raters needed: {summary['raters_needed']} who finish, for k = {summary['k']} ratings of every "
                     "item (recruit a few more: a screened-out rater's items are rated again)")
    for pair in summary.get("battles_per_source_pair", []):
        lines.append(f"  Expected battles {pair['source_a']} vs {pair['source_b']}: {pair['expected_battles']}")
    return "\n".join(lines)


@study_app.command("create")
def create(
    config: Optional[Path] = typer.Option(None, "--config", help="Study YAML (every flag below is a key there)."),
    study_id: Optional[str] = typer.Option(None, "--id", help="Study id (letters, digits, - and _)."),
    mode: Optional[str] = typer.Option(None, "--mode", help="likert | pairwise | turing | checklist | respond"),
    title: Optional[str] = typer.Option(None, "--title", help="Title shown to raters."),
    runs: List[Path] = typer.Option([], "--run", help="Run folder or responses file (repeatable)."),
    humans: List[Path] = typer.Option([], "--human", help="Human responses, source human/<pool> (repeatable)."),
    pool: Optional[str] = typer.Option(None, "--pool", help="Pool for --human files without a source column; respond mode: the pool answers join."),
    k: Optional[int] = typer.Option(None, "--k", help="Ratings per item (default 3)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed of every random choice (default 0)."),
    dimension: List[str] = typer.Option([], "--dimension", help="A scale: NAME[:TEXT[:ANCHORS]], anchors as 1=low|5=high (repeatable); default: each task's own."),
    check_rate: Optional[float] = typer.Option(None, "--check-rate", help="Share of attention checks per session, at least one (default 0.1)."),
    min_time: Optional[float] = typer.Option(None, "--min-time", help="Seconds an item is shown before a submit is accepted (default 3)."),
    lease: Optional[float] = typer.Option(None, "--lease", help="Seconds a claimed item is held for its rater (default 900)."),
    items_per_rater: Optional[int] = typer.Option(None, "--items-per-rater", help="Items per rater (default: a 15-20 minute session)."),
    max_failed_checks: Optional[int] = typer.Option(None, "--max-failed-checks", help="Failed checks that end a session (default 2)."),
    completion_code: Optional[str] = typer.Option(None, "--completion-code", help="Panel completion code (default: random)."),
    completion_url: Optional[str] = typer.Option(None, "--completion-url", help="Redirect at the end; {code} is filled in."),
    include_revealing: bool = typer.Option(False, "--include-revealing", help="Keep responses that reveal their source."),
    max_items: Optional[int] = typer.Option(None, "--max-items", help="Sample at most this many items (seeded)."),
    adaptive: Optional[float] = typer.Option(None, "--adaptive", help="Pairwise: pick each next pair by expected information gain, keeping this uniform exploration share (e.g. 0.2)."),
    task: List[str] = typer.Option([], "--task", help="Only these task ids (repeatable)."),
    suite: Optional[str] = typer.Option(None, "--suite", help="Respond mode: the suite participants answer."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Gold items with known answers (CSV/JSONL/Parquet)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    replace: bool = typer.Option(False, "--replace", help="Replace a study of the same id (its ratings are deleted)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON instead of text."),
    allow_duplicates: bool = typer.Option(False, "--allow-duplicates", help="Keep rows repeated exactly (every column) in a table without sample_idx, each copy counted as its own sample (default: refused)."),
) -> None:
    """Pool runs and human answers into a blind study; print what the panel needs.

    \b
    Examples:
      creativity-bench study create --config study.yaml
      creativity-bench study create --config study.yaml --k 5 --db URL
      creativity-bench study create --id pilot --run results/runs/RUN --k 3

    Warnings (sparse pairwise designs, tasks left out, no checks) go to stderr.
    """
    from benchmark.studies import load_config, prepare_study, write_study
    from benchmark.studies.panel import study_link

    overrides = {"--id": study_id, "--mode": mode, "--title": title, "--run": runs, "--human": humans,
                 "--pool": pool, "--k": k, "--seed": seed, "--dimension": _dims(dimension),
                 "--check-rate": check_rate, "--min-time": min_time, "--lease": lease,
                 "--items-per-rater": items_per_rater, "--max-failed-checks": max_failed_checks,
                 "--completion-code": completion_code, "--completion-url": completion_url,
                 "--include-revealing": include_revealing or None, "--max-items": max_items, "--adaptive": adaptive,
                 "--task": task or None,
                 "--suite": suite, "--gold": gold}
    spec, inputs = load_config(config, overrides)
    design = prepare_study(spec, inputs["runs"], inputs["humans"], inputs["pool"], inputs["gold"],
                           allow_duplicates=allow_duplicates)
    summary = _write(spec, design, db, replace, write_study)
    for w in summary.get("warnings", []):
        typer.echo(f"warning: {w}", err=True)
    summary["study_url"] = study_link(spec.study_id, spec.public_url)
    if as_json:
        typer.echo(json.dumps(summary, indent=1))
    else:
        from benchmark.studies import open_store

        typer.echo(panel_text(summary, spec.public_url, open_store(db).safe_url))


def _write(spec, design: dict, db: str | None, replace: bool, write_study) -> dict:
    """Write the study; a store file this command created is removed again if writing fails."""
    from benchmark.studies import open_store
    from benchmark.studies.engine import default_db_url, sqlite_path
    from benchmark.studies.store import close_stores

    from sqlalchemy.exc import OperationalError

    from benchmark.errors import BenchError

    path = sqlite_path(db or default_db_url())
    fresh = path is not None and not path.exists()
    store = None
    try:
        store = open_store(db)
        return write_study(store, spec, design, replace=replace)
    except BaseException as exc:
        if fresh:
            close_stores()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        if isinstance(exc, OperationalError) and store is not None:  # a full disk, a lost server: one line
            raise BenchError(f"cannot write the ratings store: {str(exc.orig).strip().splitlines()[0]}",
                             where=store.safe_url, fix="check free disk space, write permission and the database "
                             "server; nothing of this study was kept") from None
        raise


def _existing_store(db: str | None, study_id: str | None = None):
    """The store of a command that only reads or changes an existing study: a SQLite file
    that is not there is one line, not a new empty database left behind."""
    from benchmark.errors import BenchError
    from benchmark.studies import open_store
    from benchmark.studies.engine import default_db_url, sqlite_path

    path = sqlite_path(db or default_db_url())
    if path is not None and not path.exists():
        what = f"no study '{study_id}': " if study_id else ""
        raise BenchError(f"{what}no ratings database here", where=str(path),
                         fix="pass the --db of `study create` (or set CREATIVITY_BENCH_DB)")
    return open_store(db)


@study_app.command("status")
def status(
    study_id: Optional[str] = typer.Option(None, "--study", help="Study id (default: list all)."),
    raters: bool = typer.Option(False, "--raters", help="Also list every rater with panel ids and stage."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Progress, raters, codes, failed checks and the responses left out for revealing their source."""
    from benchmark.studies import study_status

    store = _existing_store(db, study_id)
    if study_id is None:
        for s in store.list_studies():
            typer.echo(json.dumps(study_status(store.url, s["study_id"])))
        return
    out = study_status(store.url, study_id)
    if raters:
        table = store.rater_quality(study_id)
        out["rater_table"] = json.loads(table.to_json(orient="records", date_format="iso"))
    typer.echo(json.dumps(out, indent=1))


@study_app.command("export")
def export(
    study_id: str = typer.Option(..., "--study"),
    out: Path = typer.Option(..., "--out", help="Folder for <study>_<likert|battles|guesses>.<format>."),
    fmt: str = typer.Option("parquet", "--format", help="parquet | csv | jsonl"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Ratings in long format, with the true sources and the panel ids.

    Columns: the rating (item_id, rater_id, dimension, value or winner or guess), the true
    source and task item, check flags, times, and per rater: rater_stage, usable (False
    for a screened-out rater) and prolific_pid, panel_study_id, session_id. A checklist
    study writes <study>_likert with value 1/0 per test and the rater's reason.
    """
    from benchmark.studies import write_ratings

    for p in write_ratings(_existing_store(db, study_id).url, study_id, out, fmt):
        typer.echo(str(p))


@study_app.command("export-responses")
def export_responses_cmd(
    study_id: str = typer.Option(..., "--study"),
    out: Path = typer.Option(..., "--out", help="A folder (gets responses.parquet) or a table file."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Respond-mode answers as response records (source human/<pool>), with participant ids."""
    from benchmark.studies import write_responses

    typer.echo(str(write_responses(_existing_store(db, study_id).url, study_id, out)))


@study_app.command("import")
def import_cmd(
    responses: Path = typer.Option(..., "--responses", help="Human responses: task_id,item_id (or item),text[,source,...]."),
    pool: Optional[str] = typer.Option(None, "--pool", help="Pool name when the file has no source column."),
    out: Path = typer.Option(..., "--out", help="Run folder to write (responses.parquet + manifest.json)."),
    allow_duplicates: bool = typer.Option(False, "--allow-duplicates", help="Keep rows repeated exactly (every column) in a table without sample_idx, each copy counted as its own sample (default: refused)."),
) -> None:
    """Bring outside human responses in as a run folder in the standard response format."""
    from benchmark.studies.respond import import_human_responses

    typer.echo(str(import_human_responses(responses, out, pool=pool, allow_duplicates=allow_duplicates)))


@study_app.command("withdraw")
def withdraw_cmd(
    study_id: str = typer.Option(..., "--study"),
    rater: str = typer.Option(..., "--rater", help="The rater id or PROLIFIC_PID of the participant."),
    note: Optional[str] = typer.Option(None, "--note", help="Why, for the record (e.g. 'asked by email')."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Delete a participant's data from a study, keeping a record of the withdrawal.

    Their ratings, answers and panel ids are deleted and their items go back to the pool;
    the rater id, the time and the counts stay in the study's withdrawals record, and the
    same link cannot start the study again. Exports made before keep their copies: delete
    the participant's rows there too (the exports carry prolific_pid).
    """
    from benchmark.studies.media_uploads import remove_uploads

    store = _existing_store(db, study_id)
    rec = store.withdraw(study_id, rater, note)
    files = remove_uploads(store.url, study_id, rec["rater_id"])  # respond mode: their uploaded images and sounds
    typer.echo(f"{study_id}: rater {rec['rater_id']} withdrawn; deleted {rec['ratings_deleted']} rating(s) and "
               f"{rec['responses_deleted']} answer(s)" + (f" and {files} uploaded file(s)" if files else "")
               + "; the withdrawal is recorded")


@study_app.command("open")
def open_cmd(study_id: str = typer.Option(..., "--study"), db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Let raters in."""
    _existing_store(db, study_id).set_status(study_id, "open")
    typer.echo(f"{study_id}: open")


@study_app.command("close")
def close_cmd(study_id: str = typer.Option(..., "--study"), db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Stop new ratings (raters see 'closed' with its code; finished raters still see theirs)."""
    _existing_store(db, study_id).set_status(study_id, "closed")
    typer.echo(f"{study_id}: closed")


def register(app: typer.Typer) -> None:
    """Add `study ...` to the top-level app."""
    app.add_typer(study_app, name="study")
