"""Mode and data checks at create time: designs that cannot answer their question.

- A Turing study needs answers by people *and* by models: with one kind only, "accuracy"
  and d' measure nothing (every guess of "AI" on an all-AI pool is right).
- A pairwise study needs enough battles between each pair of sources. Threshold: 50
  expected battles per source pair. Why 50: the 95% CI of a win rate near 50% is
  +/- 1.96 * sqrt(0.25 / n); at n = 50 that is +/- 14 points, about +/- 100 Elo, the widest
  interval that still tells a 65:35 preference (about 108 Elo) from a coin flip. Below it,
  a pair's ratings are noise and the study should get more raters (k) or pairs.
  Sources that are never compared, directly or through others, are on different scales.
"""

from __future__ import annotations

import itertools

import pandas as pd

from benchmark.errors import BenchError
from benchmark.records import is_human_source

MIN_BATTLES_PER_PAIR = 50


def check_turing(df: pd.DataFrame) -> None:
    """Refuse a Turing study whose answers come from one kind of author only."""
    human = df["source"].map(is_human_source)
    if not human.any():
        raise BenchError("a turing study needs answers written by people: every answer here is a model's",
                         fix="add human answers with --human FILE (source human/<pool>), or use another mode")
    if human.all():
        raise BenchError("a turing study needs answers written by models too: every answer here is human",
                         fix="add a model run with --run RUN_DIR")


def pairwise_coverage(pairs: list[tuple[str, str]], source_of: dict[str, str], k: int) -> pd.DataFrame:
    """Expected battles per source pair: k ratings of every pair item of those two sources."""
    rows = [tuple(sorted((source_of[a], source_of[b]))) for a, b in pairs]
    counts = pd.Series(rows, dtype=object).value_counts() if rows else pd.Series(dtype=int)
    sources = sorted(set(source_of[t] for p in pairs for t in p))
    out = []
    for a, b in itertools.combinations(sources, 2):
        n = int(counts.get((a, b), 0))
        out.append({"source_a": a, "source_b": b, "pair_items": n, "expected_battles": n * k})
    return pd.DataFrame(out, columns=["source_a", "source_b", "pair_items", "expected_battles"])


def _components(coverage: pd.DataFrame) -> list[set[str]]:
    sources = set(coverage["source_a"]) | set(coverage["source_b"])
    groups = [{s} for s in sorted(sources)]
    for r in coverage[coverage["pair_items"] > 0].itertuples():
        ga = next(g for g in groups if r.source_a in g)
        gb = next(g for g in groups if r.source_b in g)
        if ga is not gb:
            ga |= gb
            groups.remove(gb)
    return groups


def pairwise_warnings(coverage: pd.DataFrame, k: int) -> list[str]:
    """Warnings for sparse or disconnected pairwise designs (see the module docstring)."""
    out = []
    compared = coverage[coverage["pair_items"] > 0]
    thin = compared[compared["expected_battles"] < MIN_BATTLES_PER_PAIR]
    if len(thin):
        worst = thin.sort_values("expected_battles").iloc[0]
        need_k = -(-MIN_BATTLES_PER_PAIR // max(1, int(worst["pair_items"])))
        out.append(
            f"sparse pairwise design: {len(thin)} of {len(compared)} source pair(s) expect fewer than "
            f"{MIN_BATTLES_PER_PAIR} battles (fewest: {worst['source_a']} vs {worst['source_b']}, "
            f"{int(worst['expected_battles'])}); at {MIN_BATTLES_PER_PAIR} battles a win rate's 95% CI is about "
            f"+/-14 points - raise k to {need_k} or add pairs (max_pairs_per_prompt, more samples)")
    groups = _components(coverage)
    if len(groups) > 1:
        named = " | ".join(", ".join(sorted(g)) for g in groups)
        out.append(f"the sources fall into {len(groups)} groups that are never compared ({named}): their ratings "
                   "are on different scales - add answers that pair them on the same task items")
    return out
