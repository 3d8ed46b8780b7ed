"""`creativity-bench norms build|list`: human norm figures for every score.

``build`` scores a human data set with the same scorers and embeddings that score models
and writes the distributions (no raw data) with provenance to ``tasks/norms/``;
``list`` shows what norms exist and where they come from.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any, List, Optional

import typer

norms_app = typer.Typer(help="Human norms: build them from human data, list them.", no_args_is_help=True)


@norms_app.command("build")
def build(
    out: Path = typer.Option(..., "--out", help="norm file to write, e.g. tasks/norms/dat_olson2021.json"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="named human data set in ../shared/data: olson2021-dat, dat-100k-published, ocsai-aut, ocsai-alltasks, stevenson-aut, bowden-rat"),
    data: Optional[Path] = typer.Option(None, "--data", help="any human response table (task_id,item,text[,source=human/<pool>])"),
    scorer: Optional[str] = typer.Option(None, "--scorer", help="NAME[,NAME] (default: the data set's own, or each task's scorers)"),
    source: Optional[str] = typer.Option(None, "--source", help="human/<pool> for a --data table without a source column"),
    citation: str = typer.Option("", "--citation", help="where the --data table comes from (kept in the provenance)"),
    option: Optional[List[str]] = typer.Option(None, "-O", "--scorer-option", help="scorer.key=value (repeatable)"),
) -> None:
    """Score human data and write its per-task and per-item distributions with provenance."""
    from benchmark.commands.score import scorer_options
    from benchmark.errors import BenchError
    from benchmark.scoring.norms_build import build as run_build
    from benchmark.scoring.pipeline import parse_scorer_names

    if out.suffix != ".json":
        raise BenchError("norm files are JSON", where=str(out), fix="use a .json path under tasks/norms/")
    names = parse_scorer_names(scorer) if scorer else None
    opts: dict[str, Any] = scorer_options(option, None, None, None, None, names)
    # the provenance's command is rebuilt from the options, not read from sys.argv: the same
    # build gives the same record however it was called (a shell, a test, `norms rebuild`)
    parts = ["creativity-bench norms build"]
    parts += [f"--dataset {dataset}"] if dataset else [f"--data {shlex.quote(str(data))}"]
    parts += [f"--out {shlex.quote(str(out))}"]
    parts += [f"--scorer {scorer}"] if scorer else []
    parts += [f"--source {shlex.quote(source)}"] if source else []
    parts += [f"--citation {shlex.quote(citation)}"] if citation else []
    parts += [f"-O {shlex.quote(o)}" for o in option or []]
    command = " ".join(parts)
    path = run_build(dataset, str(data) if data else None, str(out), scorers=names, source=source,
                     citation=citation, command=command, options=opts)
    typer.echo(f"wrote {path}")


@norms_app.command("rebuild")
def rebuild(folder: Optional[Path] = typer.Option(None, "--folder", help="default tasks/norms")) -> None:
    """Re-run the build command recorded in every norm file (after a scorer or params change)."""
    import json

    from benchmark.errors import BenchError
    from benchmark.paths import norms_dir
    from benchmark.scoring.norms_build import build as run_build

    root = folder or norms_dir()
    files = sorted(root.glob("*.json"))
    if not files:
        raise BenchError("no norm files", where=str(root))
    for f in files:
        command = (json.loads(f.read_text(encoding="utf-8")).get("provenance") or {}).get("command", "")
        args = shlex.split(command)
        if args[:3] != ["creativity-bench", "norms", "build"]:
            typer.echo(f"skip {f.name}: no build command recorded")
            continue
        opts = {k: v for k, v in zip(args[3::2], args[4::2])}
        names = opts.get("--scorer")
        run_build(opts.get("--dataset"), opts.get("--data"), str(f), scorers=names.split(",") if names else None,
                  source=opts.get("--source"), citation=opts.get("--citation", ""), command=command)
        typer.echo(f"rebuilt {f}")


@norms_app.command("list")
def list_norms(folder: Optional[Path] = typer.Option(None, "--folder", help="default tasks/norms")) -> None:
    """Every norm: task, scorer, version, n, mean and its file."""
    from benchmark.scoring.norms import NormIndex

    index = NormIndex(folder)
    for (task_id, scorer), entries in sorted(index.entries.items()):
        for e in entries:
            use = "" if e.use_for_percentiles else "  (stale: rebuild with the command in its provenance)" if e.stale else "  (reference only)"
            typer.echo(f"{task_id:<14} {scorer:<16} v{e.scorer_version:<28} n={e.task.n:<7} mean={e.task.mean:8.3f} "
                       f"items={len(e.items):<4} {e.norm_id}{use}")


def register(app: typer.Typer) -> None:
    """Add ``norms`` to the top-level app."""
    app.add_typer(norms_app, name="norms")
