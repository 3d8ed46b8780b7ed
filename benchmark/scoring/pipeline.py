"""``score_responses``: prepare a response table, run scorers where they apply, add norms.

Why a pipeline and not just scorers: a run mixes tasks (an AUT list, a DAT word list, a
story), so each scorer is run only on the rows it means something for - the task's own
scorer list, or the scorer's kind of answer (``APPLIES``) - instead of producing a NaN
for every story scored by ``dat``. Unscorable texts still get NaN with a reason for every
scorer that applies, so nothing is silently dropped.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from benchmark.errors import BenchError
from benchmark.records import SCORE_COLUMNS
from benchmark.scoring.base import get_scorer, scorers
from benchmark.scoring.prepare import is_missing, prepare_responses, response_limits

IDEA_SCORERS = ("fluency", "elaboration", "flexibility", "duplicates", "judge_originality")
STIMULUS_SCORERS = ("semdis_minilm", "semdis_glove", "originality")

# Slow (an LLM call per idea): run only when named, never by default.
ASK_FIRST = ("judge_originality", "judge_writing", "judge_checklist")

Rule = Callable[[dict[str, Any]], bool]


def _unknown(r: dict[str, Any]) -> bool:
    return r["family"] is None


APPLIES: dict[str, Rule] = {
    **{n: (lambda r: r["answer_format"] == "ideas" or _unknown(r)) for n in IDEA_SCORERS},
    **{n: (lambda r: r["family"] == "divergent" and r["answer_format"] == "ideas" or _unknown(r)) for n in STIMULUS_SCORERS},
    "dat": lambda r: r["task_id"] == "dat" or r["answer_format"] == "words" and r["family"] == "divergent",
    "rat": lambda r: r["task_id"] == "rat" or (r["solution"] is not None and str(r["solution"]).strip() != ""),
    "judge_writing": lambda r: r["family"] in ("writing", "style", "domain") or (_unknown(r) and r["answer_format"] is None),
    "diversity": lambda r: True,
    "diversity_distance": lambda r: True,
    # whole texts: stories, poems, synopses, pastiches, domain pieces (or a plain CSV of them)
    **{n: (lambda r: r["family"] in ("writing", "style", "domain") or _unknown(r))
       for n in ("dsi", "writing_creativity", "judge_checklist")},
}


def applies(name: str, row: dict[str, Any]) -> bool:
    """Does scorer ``name`` mean something for this response's task?"""
    listed = row.get("task_scorers")
    if isinstance(listed, (tuple, list)) and name in listed:
        return True
    rule = APPLIES.get(name)
    return True if rule is None else bool(rule(row))


def parse_scorer_names(names: "str | Iterable[str] | None") -> list[str] | None:
    """``"fluency,dat"`` or a list -> checked names (did-you-mean on a typo)."""
    if names is None:
        return None
    items = [n.strip() for n in (names.split(",") if isinstance(names, str) else names) if n and n.strip()]
    if not items:
        raise BenchError("no scorer named", fix=f"choose from: {', '.join(scorers.names())}")
    for n in items:
        if n not in scorers:
            scorers.get(n)  # raises the did-you-mean BenchError
    return list(dict.fromkeys(items))


def score_responses(
    responses: pd.DataFrame,
    scorer_names: "str | Iterable[str] | None" = None,
    *,
    attach_norms: bool = True,
    where: str = "responses",
    progress: bool = True,
    max_ideas: "int | None" = None,
    max_chars: "int | None" = None,
    cache_scores: bool = True,
    **options: Any,
) -> pd.DataFrame:
    """Score every response with every applicable scorer; add human percentiles.

    ``scorer_names`` None runs each task's own scorer list except the LLM judges. ``options`` maps a scorer name
    to its keyword options, e.g. ``dat={"vectors": "glove.840B.300d.txt"}``. ``max_ideas`` /
    ``max_chars`` bound the work per response (defaults: ``benchmark.scoring.prepare.response_limits``);
    a truncated response says so in every score's ``details["truncated"]``. With
    ``cache_scores`` (default) rows whose inputs, scorer configuration and scoring code are
    unchanged are read from the per-row score cache (``benchmark.scoring.score_cache``).
    The caches are then held under their size cap (``benchmark.scoring.cache_cap``).
    Returns ``SCORE_COLUMNS`` + ``human_percentile`` + ``norm_id``.
    """
    names = parse_scorer_names(scorer_names)
    unknown_opts = [k for k in options if k not in scorers]
    if unknown_opts:
        scorers.get(unknown_opts[0])
    for name, opts in options.items():  # a bad option fails before any work, even if unused
        if opts:
            _check_options(name, dict(opts))
    limits = response_limits(max_ideas, max_chars)
    from benchmark.scoring.cache_cap import cache_cap, enforce_cache_cap

    cap = cache_cap()  # a bad CREATIVITY_BENCH_CACHE_MAX fails before any work
    df = prepare_responses(responses, where, limits)
    if df.empty:
        raise BenchError("no responses to score", where=where, fix="the table has a header but no rows")
    ctx = df[["task_id", "family", "answer_format", "solution", "task_scorers"]].to_dict("records")
    if names is None:
        wanted: list[str] = []
        for r in ctx:
            listed = r["task_scorers"] or ("fluency", "elaboration")
            wanted.extend(n for n in listed if n in scorers and n not in ASK_FIRST)
        names = list(dict.fromkeys(wanted))
    memo = _not_english_memo()
    memo.prefetch(t for t, p in zip(df["text"], df["problem"]) if p is None)
    flags = [_text_flags(t) if p is None else {} for t, p in zip(df["text"], df["problem"])]
    memo.flush()
    flags = [{**f, "truncated": cut} if isinstance(cut, str) and cut else f for f, cut in zip(flags, df["truncated"])]
    parts: list[pd.DataFrame] = []
    from tqdm.auto import tqdm

    digests: list[bytes] | None = None
    for name in tqdm(names, desc="scorers", disable=not progress or len(names) < 2, leave=False):
        mask = [applies(name, r) for r in ctx]
        if not any(mask):
            continue
        opts = dict(options.get(name) or {})
        scorer = _make(name, opts)
        rows = df[mask].reset_index(drop=True)
        own = getattr(scorer, "version", None)
        if cache_scores and isinstance(own, str) and own:
            # unchanged rows come from the per-row score cache (benchmark.scoring.score_cache)
            from benchmark.scoring.score_cache import row_digests, score_with_cache

            if digests is None:
                digests = row_digests(df)
            out = score_with_cache(name, scorer, rows, config_version(scorer, own), opts,
                                   [d for d, m in zip(digests, mask) if m])
        else:
            out = scorer.score(rows)
            out["scorer_version"] = config_version(scorer, str(out["scorer_version"].iloc[0]) if len(out) else "")
        if len(out) != len(rows):
            raise BenchError(f"scorer '{name}' returned {len(out)} rows for {len(rows)} responses")
        row_flags = [f for f, m in zip(flags, mask) if m]
        if any(row_flags):
            out["details"] = [_merge(d, f) for d, f in zip(out["details"], row_flags)]
        parts.append(out[SCORE_COLUMNS])
    scores = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SCORE_COLUMNS)
    enforce_cache_cap(cap=cap if cap is not None else "none")  # once per call: a few stat calls unless over the cap
    if attach_norms:
        from benchmark.scoring.norms import attach_percentiles

        scores = attach_percentiles(scores)
    return scores


def _make(name: str, opts: dict[str, Any]) -> Any:
    """Instantiate a scorer; an option it does not take is one clear line."""
    _check_options(name, opts)
    return get_scorer(name, **opts)


def _check_options(name: str, opts: dict[str, Any]) -> None:
    import inspect

    cls = scorers.get(name)
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        params = {}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    unknown = [k for k in opts if k not in params and not takes_any]
    if unknown:
        from benchmark.registry import suggest

        allowed = [k for k, p in params.items() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        raise BenchError(f"scorer '{name}' has no option '{unknown[0]}'",
                         fix=suggest(unknown[0], allowed) if allowed else "it takes no options")


def config_version(scorer: Any, version: str) -> str:
    """The version plus any non-default vectors/params file the scorer was built with.

    Norms apply only to the exact version, so a scorer run on other vectors (GloVe
    840B) or refitted params must not borrow the norms of the shipped defaults.
    """
    for attr in ("vectors", "params", "dictionary"):
        value = getattr(scorer, attr, None)
        if isinstance(value, (str, Path)) and str(value):
            tag = Path(str(value)).name
            if tag not in version:
                version = f"{version}+{attr}={tag}"
    return version


def _merge(details: str, flags: dict[str, Any]) -> str:
    if not flags:
        return details
    d = json.loads(details) if isinstance(details, str) and details else {}
    d.update(flags)
    return json.dumps(d, sort_keys=True)


def _text_flags(text: Any) -> dict[str, Any]:
    """Flag text that is mostly not English words (garbage or another language).

    The scorers here are built on English embeddings and norms; such a response is still
    scored, but the flag lets a reader see why its score may mean little. One dict lookup
    a word (wordfreq's English list, loaded once), cached per distinct text.
    """
    if is_missing(text):
        return {}
    share = _unknown_share(str(text))
    return {} if share is None else {"flag_not_english": share}


def _unknown_share(text: str) -> float | None:
    return _not_english_memo()(text)


@lru_cache(maxsize=1)
def _not_english_memo() -> Any:
    from benchmark.scoring.semantic_distance import _wordfreq_version
    from benchmark.scoring.text_features import TextMemo, floats_bytes, floats_value

    return TextMemo(f"not_english/2+wordfreq-{_wordfreq_version()}", _unknown_share_raw,
                    encode=floats_bytes, decode=floats_value)


def _unknown_share_raw(text: str) -> float | None:
    from benchmark.scoring.semantic_distance import words, zipf

    tokens = [t for t in words(text) if not t.isdigit()][:200]
    if len(tokens) < 2:
        return None
    known = sum(zipf(t) >= 1.5 for t in tokens) / len(tokens)
    return round(1.0 - known, 3) if known < 0.5 else None


__all__ = ["APPLIES", "applies", "parse_scorer_names", "score_responses"]
