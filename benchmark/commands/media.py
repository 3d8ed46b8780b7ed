"""`creativity-bench media demo|import|sanitize|judge`: images and sounds as answers.

``demo`` makes a procedural media manifest (``--study``: and two studies of it to rate); ``import`` turns a manifest into a run folder
(all or nothing); ``sanitize`` writes the blinded copies a study serves, with the secret
mapping beside (never inside) the served folder; ``judge`` runs the unvalidated vision
judge. Bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

media_app = typer.Typer(help="Images and sounds: demo data, manifest import, blinding, vision judge.",
                        no_args_is_help=True)


@media_app.command("demo")
def demo(
    out: Path = typer.Option(..., "--out", help="new folder for the demo manifest, images/ and audio/"),
    seed: int = typer.Option(0, "--seed", help="the same seed gives the same files"),
    study: bool = typer.Option(False, "--study", help="also import them (OUT/run) and create an image pairwise and "
                               "an audio likert study to rate (in OUT/ratings.db, or --db)"),
    db: Optional[str] = typer.Option(None, "--db",
                                     help="with --study: the ratings store (default sqlite:///OUT/ratings.db)"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Procedural images and synthesised clips (sources procedural/...), as a media manifest;
    with --study, also two blind studies of them to rate."""
    from benchmark.media.demo import make_demo

    if not study:
        manifest = make_demo(out, seed=seed, progress=not quiet)
        n = sum(1 for _ in manifest.open(encoding="utf-8")) - 1
        typer.echo(f"{n} files (procedural, never human) listed in {manifest}")
        return
    from benchmark.media.demo_study import make_demo_study

    made = make_demo_study(out, seed=seed, db=db, progress=not quiet)
    typer.echo(f"procedural demo files (never human) in {made['manifest'].parent}, imported as {made['run']}")
    for sid, summary in made["studies"].items():
        m = summary["media"]
        typer.echo(f"study {sid}: {summary['mode']}, {summary['items']} items, {m['images']} images and "
                   f"{m['sounds']} sounds served blind from {m['served_dir']}")
    typer.echo(f"rate them: creativity-bench rate --db {made['db']}   then open "
               + " or ".join(f"http://localhost:8501/?study={sid}" for sid in made["studies"]))


@media_app.command("import")
def import_cmd(
    manifest: Path = typer.Argument(..., help="CSV/JSONL: task_id,item,source,media_path[,text], paths relative to it"),
    out: Path = typer.Option(..., "--out", help="new run folder (nothing is written unless every row imports)"),
    max_mb: float = typer.Option(50.0, "--max-mb", min=0.001, help="size limit per file, in MB"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Bring a folder of images or sounds (Firefly or DALL-E exports, artists' works) in as a run."""
    from benchmark.media import import_manifest

    summary = import_manifest(manifest, out, max_bytes=int(max_mb * 2**20), progress=not quiet)
    typer.echo(f"{summary.ok} answers imported into {summary.run_dir} (responses.parquet, media/, manifest.json)")


@media_app.command("sanitize")
def sanitize(
    run: Path = typer.Option(..., "--run", help="run folder with media responses"),
    out: Path = typer.Option(..., "--out", help="new folder of blinded files to serve (holds nothing else)"),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="secret mapping CSV (default OUT.mapping.csv, beside OUT)"),
    salt: Optional[str] = typer.Option(None, "--salt", help="secret for the opaque names (default: random, kept in the mapping)"),
    image_format: str = typer.Option("png", "--image-format", help="png, jpeg or webp, for every image"),
    max_side: int = typer.Option(1024, "--max-side", help="longer side of every image, in pixels"),
    audio_format: str = typer.Option("wav", "--audio-format", help="wav or flac, for every sound"),
    sample_rate: int = typer.Option(44100, "--sample-rate", help="Hz, for every sound"),
    channels: int = typer.Option(2, "--channels", help="1 or 2, for every sound"),
    lufs: float = typer.Option(-20.0, "--lufs", help="integrated loudness of every sound (BS.1770)"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Re-encode every image and sound with no metadata, under opaque names (what raters receive)."""
    import json
    import secrets

    from benchmark.errors import BenchError
    from benchmark.media import BlindingPolicy, blind_responses
    from benchmark.runner.manifest import package_versions
    from benchmark.tabular import read_table, write_table, write_text_atomic

    parquet = run / "responses.parquet"
    if not parquet.exists():
        raise BenchError("no responses.parquet in the run folder", where=str(run), fix="give a run folder")
    mapping = mapping or out.with_name(out.name + ".mapping.csv")
    if mapping.resolve().is_relative_to(out.resolve()):
        raise BenchError("the mapping must not be inside the served folder", where=str(mapping),
                         fix="put --mapping outside --out: it un-blinds every file")
    policy = BlindingPolicy(image_format=image_format, max_side=max_side, audio_format=audio_format,
                            samplerate=sample_rate, channels=channels, lufs=lufs)
    key = salt or secrets.token_hex(16)
    table = blind_responses(read_table(parquet), run, out, policy, key, progress=not quiet)
    table = table.assign(details=table["details"].map(lambda d: json.dumps(d, sort_keys=True)))
    write_table(table, mapping)
    write_text_atomic(mapping.with_suffix(".json"), json.dumps(
        {"run": str(run.resolve()), "served": str(out.resolve()), "salt": key, "policy": policy.as_dict(),
         "packages": package_versions(("pillow", "soundfile", "pyloudnorm", "scipy", "numpy"))}, indent=2) + "\n")
    typer.echo(f"{len(table)} files blinded into {out}; secret mapping in {mapping} and {mapping.with_suffix('.json')}")


@media_app.command("judge")
def judge(
    run: Path = typer.Option(..., "--run", help="run folder with image responses"),
    judge_model: str = typer.Option(..., "--judge-model", help="openai/MODEL: a chat server that accepts images"),
    judge_opt: Optional[List[str]] = typer.Option(None, "-M", "--model-option", help="judge backend option key=value"),
    out: Path = typer.Option(..., "--out", help="scores file (CSV/JSONL/Parquet)"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Rate images with a vision-language model: UNVALIDATED against human ratings, off by default."""
    from benchmark.media.vision_judge import VisionJudge
    from benchmark.models import parse_model_options
    from benchmark.tabular import write_table

    scores = VisionJudge(judge_model, parse_model_options(judge_opt)).score_run(run, progress=not quiet)
    write_table(scores, out)
    rated = int(scores["value"].notna().sum())
    typer.echo(f"{rated} of {len(scores)} responses rated by {judge_model} (judge_vision, UNVALIDATED: "
               f"check it against a rating study before use) -> {out}")


def register(app: typer.Typer) -> None:
    """Add ``media`` to the top-level app."""
    app.add_typer(media_app, name="media")
