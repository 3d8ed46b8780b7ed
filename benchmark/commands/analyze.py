"""`creativity-bench analyze`: reliability, human vs AI, Bradley-Terry, Turing mode and
validity from one ratings source, written as report.json, report.md and report.html.

Input: long-format files (``--ratings``, repeatable; the kind is recognised from the
columns), a study in the ratings store (``--db URL --study ID``) or the published
Stevenson et al. 2022 data (``--stevenson PATH``). Bad input (impossible or non-finite
values, values outside a declared scale, exact repeats) is one line, exit code 2, and
nothing is written. Each dimension's scale (binary | ordinal | interval | continuous)
comes from the study config, ``--scale DIM=KIND``, or is inferred with a printed note.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add ``analyze`` to the top-level app."""

    @app.command("analyze")
    def analyze(
        ratings: Optional[List[Path]] = typer.Option(None, "--ratings", help="CSV, TSV, JSONL or Parquet in long format: likert (item_id, rater_id, dimension, value [, source ...]), battles (left_source, right_source, winner ...) or guesses (item_id, rater_id, source, guess); repeatable"),
        db: Optional[str] = typer.Option(None, "--db", help="ratings store URL, e.g. sqlite:///ratings.db or postgresql://HOST/DB"),
        study: Optional[str] = typer.Option(None, "--study", help="study id in --db"),
        stevenson: Optional[Path] = typer.Option(None, "--stevenson", help="folder of the Stevenson et al. 2022 human-vs-GPT-3 data: imported as a finished likert study"),
        scores: Optional[Path] = typer.Option(None, "--scores", help="automatic scores of the rated responses (as `score` writes them) for the validity section"),
        scorers: str = typer.Option("semdis_minilm,originality", "--scorers", help="with --stevenson: automatic scorers to validate ('' = none)"),
        out: Path = typer.Option(..., "--out", help="output folder for report.json, report.md, report.html, plots/"),
        exclude_failed_checks: Optional[int] = typer.Option(None, "--exclude-failed-checks", help="exclude raters who failed at least N attention checks"),
        min_rt: Optional[float] = typer.Option(None, "--min-rt", help="exclude raters whose median seconds per item is below S"),
        min_loo_r: Optional[float] = typer.Option(None, "--min-loo-r", help="exclude raters whose correlation with the others' consensus is below R"),
        n_boot: int = typer.Option(1000, "--n-boot", help="bootstrap rounds (CIs)"),
        n_perm: int = typer.Option(9999, "--n-perm", help="permutations per test"),
        top_k: int = typer.Option(10, "--top-k", help="k for the best-humans-vs-best-AI comparison"),
        both_bad: str = typer.Option("tie", "--both-bad", help="pairwise 'both_bad' verdicts: tie (half a win each) or drop"),
        seed: int = typer.Option(0, "--seed", help="random seed for bootstraps and permutations"),
        scale: Optional[List[str]] = typer.Option(None, "--scale", help="a dimension's scale, which picks its statistics and bounds its values: DIM=binary, DIM=ordinal:5, DIM=ordinal:0-4, DIM=interval, DIM=interval:0-100 or DIM=continuous (repeatable; DIM * means every dimension)"),
        allow_duplicates: bool = typer.Option(False, "--allow-duplicates", help="keep exact repeat rows (each copy counts as a separate rating) instead of refusing the file"),
        drop_invalid: bool = typer.Option(False, "--drop-invalid", help="drop ratings whose value is empty, not a number or infinite (counted in the report) instead of refusing the file"),
        keep_screened: bool = typer.Option(False, "--keep-screened", help="keep the ratings of raters the study screened out (usable = false)"),
        max_ci_width: float = typer.Option(200.0, "--max-ci-width", help="pairwise: flag ratings whose 95% CI is wider than this many Elo points"),
    ) -> None:
        """Analyse ratings and write report.json, report.md and report.html.

        \b
        Examples:
          creativity-bench analyze --ratings ratings.csv --out reports/pilot
          creativity-bench analyze --ratings checklist.csv \\
              --scale plot=binary --out reports/checklist
          creativity-bench analyze --db sqlite:///results/ratings.db \\
              --study pilot --out reports/pilot
        """
        from benchmark.analysis import ExclusionRules, analyze_ratings, load_ratings, load_study, write_report
        from benchmark.analysis.scales import parse_scale_options
        from benchmark.errors import BenchError
        from benchmark.tabular import read_table

        given = sum(x is not None and x != [] for x in (ratings, db, stevenson))
        if given != 1:
            raise BenchError("give exactly one of --ratings FILE, --db URL --study ID, --stevenson PATH")
        if both_bad not in ("tie", "drop"):
            raise BenchError(f"--both-bad must be 'tie' or 'drop', not '{both_bad}'")
        if not max_ci_width > 0:
            raise BenchError(f"--max-ci-width must be a positive number of Elo points, not {max_ci_width}")
        options = parse_scale_options(scale)
        flags = {"allow_duplicates": allow_duplicates, "drop_invalid": drop_invalid}
        score_df = read_table(scores, required=["item_id", "source", "scorer", "value"]) if scores else None
        if stevenson is not None:
            from benchmark.analysis.stevenson import load_stevenson, score_stevenson

            data = load_stevenson(stevenson)
            names = tuple(n.strip() for n in scorers.split(",") if n.strip())
            if score_df is None and names:
                typer.echo(f"scoring {len(data.responses)} responses with {', '.join(names)} ...", err=True)
                score_df, pending = score_stevenson(data.responses, names)
                if pending:
                    data.reference["validity_pending"] = pending
        elif db is not None:
            data = load_study(db, study, scales=options, **flags)
        else:
            data = load_ratings(ratings, scales=options, **flags)
        rules = ExclusionRules(exclude_failed_checks, min_rt, min_loo_r, keep_screened)
        report = analyze_ratings(data, scores=score_df, rules=rules, n_boot=n_boot, n_perm=n_perm, seed=seed,
                                 top_k=top_k, both_bad=both_bad, scale_options=options, max_ci_width=max_ci_width)
        for note in report.data.get("notes", []):
            if "no declared scale" in note or note.startswith("WARNING") or "dropped" in note or "kept" in note:
                typer.echo(f"note: {note}", err=True)
        paths = write_report(report, out)
        for kind, p in paths.items():
            typer.echo(f"wrote {p}")
