"""`creativity-bench score`: automatic scores, with human percentiles, for any responses.

Input is a run folder (its ``responses.parquet``) or a CSV/TSV/JSONL/Parquet table in the
long format ``task_id, item, text[, source]``, so answers from other studies can be
scored without code. The output is written atomically; a short per-source summary with
human percentiles is printed. Bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer


def read_responses(path: Path, allow_duplicates: bool = False) -> tuple[Any, str]:
    """A run folder's responses.parquet or a long-format table, and where it came from,
    checked at the boundary (``benchmark.schemas.responses``)."""
    from benchmark.errors import BenchError
    from benchmark.schemas.responses import check_response_table
    from benchmark.tabular import read_table

    if path.is_dir():
        parquet = path / "responses.parquet"
        if not parquet.exists():
            raise BenchError("no responses.parquet in the run folder", where=str(path),
                             fix="give a run folder written by `creativity-bench run`, or a CSV/JSONL/Parquet file")
        path = parquet
    df = read_table(path)
    return check_response_table(df, str(path), allow_duplicates=allow_duplicates), str(path)


def scorer_options(pairs: Optional[List[str]], vectors: Optional[str], dictionary: Optional[str],
                   judge: Optional[str], judge_opts: Optional[List[str]], names: Optional[List[str]]) -> dict[str, dict[str, Any]]:
    """``-O scorer.key=value`` plus the shortcuts, as per-scorer keyword options."""
    from benchmark.errors import BenchError
    from benchmark.models import coerce_value, parse_model_options

    opts: dict[str, dict[str, Any]] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        scorer, dot, opt = key.strip().partition(".")
        if not sep or not dot or not scorer or not opt:
            raise BenchError(f"bad scorer option '-O {pair}'", fix="write -O scorer.key=value, e.g. -O dat.vectors=glove.840B.300d.txt")
        opts.setdefault(scorer, {})[opt] = coerce_value(value)
    wanted = set(names or ())

    def targets(*candidates: str) -> list[str]:
        return [c for c in candidates if not names or c in wanted]

    if vectors:
        for s in targets("dat", "semdis_glove"):
            opts.setdefault(s, {})["vectors"] = vectors
    if dictionary:
        for s in targets("dat"):
            opts.setdefault(s, {})["dictionary"] = dictionary
    for s in targets("judge_originality", "judge_writing"):
        if judge:
            opts.setdefault(s, {})["model"] = judge
        if judge_opts:
            opts.setdefault(s, {})["model_options"] = parse_model_options(judge_opts)
    stray = [s for s in opts if names and s not in wanted]
    if stray:  # an option for a scorer that will not run would be silently ignored
        raise BenchError(f"option given for scorer '{stray[0]}' which is not in --scorer",
                         fix="add it to --scorer or drop the option")
    return opts


def unscored_judges(scores: Any, max_share: float) -> list[str]:
    """One line per LLM judge (a scorer named ``*judge*``) that left more than ``max_share`` of its rows
    unscored: an unreachable or failing judge used to exit 0 with every value NaN."""
    import json

    lines = []
    judged = scores[scores["scorer"].astype(str).str.contains("judge")]  # judge_originality, judge_writing, ...
    for name, rows in judged.groupby("scorer", sort=True):
        missing = rows["value"].isna()
        if len(rows) and missing.mean() > max_share:
            reason = ""
            for d in rows.loc[missing, "details"]:
                try:
                    reason = str((json.loads(d) if isinstance(d, str) else d or {}).get("reason") or "")
                except (ValueError, AttributeError):
                    reason = ""
                if reason:
                    break
            lines.append(f"{name}: {int(missing.sum())} of {len(rows)} responses unscored "
                         f"({missing.mean():.0%}, more than --max-unscored {max_share:.0%})"
                         + (f"; first reason: {reason[:300]}" if reason else ""))
    return lines


def register(app: typer.Typer) -> None:
    """Add ``score`` to the top-level app."""

    @app.command("score")
    def score(
        responses: Path = typer.Option(..., "--responses", help="run folder (responses.parquet) or CSV/TSV/JSONL/Parquet with task_id,item,text[,source]"),
        scorer: Optional[str] = typer.Option(None, "--scorer", help="NAME[,NAME]: fluency, elaboration, flexibility, duplicates, semdis_minilm, semdis_glove, originality, dat, rat, judge_originality, judge_writing, diversity, diversity_distance (default: each task's own, without the LLM judges)"),
        out: Path = typer.Option(..., "--out", help="scores file (.parquet, .csv, .jsonl)"),
        option: Optional[List[str]] = typer.Option(None, "-O", "--scorer-option", help="scorer.key=value (repeatable), e.g. -O flexibility.distance_threshold=0.6"),
        vectors: Optional[str] = typer.Option(None, "--vectors", help="word vectors file for dat and semdis_glove (GloVe/word2vec text or .npy); default GloVe 6B 50d"),
        dictionary: Optional[str] = typer.Option(None, "--dictionary", help="DAT dictionary, e.g. the official words.txt; default wordfreq English"),
        judge_model: Optional[str] = typer.Option(None, "--judge-model", help="model spec for the judge scorers (default llamacpp/smollm2)"),
        judge_opt: Optional[List[str]] = typer.Option(None, "-M", "--judge-option", help="judge backend option key=value (repeatable)"),
        no_norms: bool = typer.Option(False, "--no-norms", help="do not add human percentiles"),
        quiet: bool = typer.Option(False, "--quiet", help="no progress bars and no summary"),
        max_unscored: float = typer.Option(0.2, "--max-unscored", min=0.0, max=1.0, help="exit 1 when an LLM judge leaves more than this share of its responses unscored (the scores are still written)"),
        max_ideas: Optional[int] = typer.Option(None, "--max-ideas", min=1, help="score at most this many ideas of one response (default 200, or CREATIVITY_BENCH_MAX_IDEAS); a cut response says so in details"),
        max_chars: Optional[int] = typer.Option(None, "--max-chars", min=1, help="score at most this many characters of one response (default 20000, or CREATIVITY_BENCH_MAX_CHARS)"),
        no_cache: bool = typer.Option(False, "--no-cache", help="recompute every score instead of reading unchanged rows from the per-row score cache"),
        allow_duplicates: bool = typer.Option(False, "--allow-duplicates", help="keep rows repeated exactly (every column) in a table without sample_idx, each copy scored as its own sample (default: refused)"),
    ) -> None:
        """Score responses automatically and place each score among people (human percentile)."""
        from benchmark.scoring.norms import source_summary
        from benchmark.scoring.pipeline import parse_scorer_names, score_responses
        from benchmark.scoring.prepare import response_limits
        from benchmark.tabular import write_table, table_format

        table_format(out)  # a wrong output suffix fails before any work
        response_limits(max_ideas, max_chars)  # so does a bad CREATIVITY_BENCH_MAX_IDEAS / _CHARS
        names = parse_scorer_names(scorer) if scorer else None
        opts = scorer_options(option, vectors, dictionary, judge_model, judge_opt, names)
        df, where = read_responses(responses, allow_duplicates)
        scores = score_responses(df, names, attach_norms=not no_norms, where=where, progress=not quiet,
                                 max_ideas=max_ideas, max_chars=max_chars, cache_scores=not no_cache, **opts)
        write_table(scores, out)
        failed = unscored_judges(scores, max_unscored) if not scores.empty else []
        if quiet:
            _fail(failed, out)
            return
        typer.echo(f"{len(scores)} scores for {len(df)} responses -> {out}")
        if scores.empty:
            return
        summary = source_summary(scores)
        for r in summary.itertuples(index=False):
            pct = "no human norm" if r.human_percentile != r.human_percentile else f"human P{r.human_percentile:.0f}"
            nan = f", {r.n_nan} unscored" if r.n_nan else ""
            typer.echo(f"  {r.source:<28} {r.task_id:<18} {r.scorer:<18} n={r.n:<5} mean={r.mean:8.3f}  {pct}{nan}")
        _fail(failed, out)


def _fail(lines: list[str], out: Path) -> None:
    """Exit 1 (some work failed, as in ``run``) with one line per failing judge."""
    import sys

    if lines:
        for line in lines:
            print(f"error: {line} - the scores are in {out}; check the judge (-M base_url=..., --judge-model) "
                  "and score again", file=sys.stderr)
        raise SystemExit(1)
