"""The figures of one source on one task x scorer: mean and typical answer with bootstrap
CIs, and where the typical answer stands among people.

Why these choices:

* Responses to one prompt are not independent, so the CI resamples *items* when a task
  has several (a cluster bootstrap); a task with a single prompt (the published writing
  prompts, the DAT) resamples *responses*, and the row says which (``ci_over``). One
  response, or one item with one response, has no CI, and the row says that instead of
  printing an empty interval.
* The "typical answer" is the median of the source's answers. Its human percentile is
  the share of people's answers it beats (mid-rank: ties count half), so a human pool
  measured against itself sits at 50, and the percentile of a lower-is-better scorer
  (duplicates) is taken on the inverted scale: higher is always better.
* Ranks come from the CIs: rank = 1 + the number of sources whose CI lies entirely on
  the better side of this one's, so sources that cannot be told apart share a rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

CI_LEVEL = 0.95


@dataclass(frozen=True)
class Reference:
    """The human distribution a task x scorer is placed in."""

    label: str  # e.g. "norm stevenson-aut:aut:originality (n=118)"
    kind: str  # "norm" or "table"
    n: int
    median: float
    below: Callable[[float], float]  # value -> mid-rank percentile 0-100
    items: frozenset[str] = frozenset()  # a table reference: the prompts people answered

    def percentile(self, value: float, better: str = "higher") -> float:
        if value is None or not math.isfinite(float(value)):
            return math.nan
        p = float(self.below(float(value)))
        return 100.0 - p if better == "lower" else p


def table_reference(values: np.ndarray, label: str, items: frozenset[str] = frozenset()) -> Reference | None:
    """A reference from people's scores in the table itself (mid-rank percentile); it
    places only sources that answered some of the same prompts (``items``)."""
    v = np.sort(np.asarray(values, float)[np.isfinite(np.asarray(values, float))])
    if v.size == 0:
        return None

    def below(x: float) -> float:
        lo = np.searchsorted(v, x, side="left")
        hi = np.searchsorted(v, x, side="right")
        return float(100.0 * (lo + (hi - lo) / 2.0) / v.size)

    return Reference(f"{label} (n={v.size})", "table", int(v.size), float(np.median(v)), below, items)


def norm_reference(task_id: str, scorer: str, version: str | None, unit: str = "response") -> Reference | None:
    """The task-level human norm for this exact scorer version, when there is one: one
    of whole answers, or, for sources whose answers are single ideas, one of single ideas."""
    from benchmark.scoring.norms import load_norms

    try:
        index = load_norms()
        cands = index.candidates(task_id, scorer, version)
    except Exception:  # a malformed norm file must not take the leaderboard down
        return None
    entry = next((e for e in cands if e.unit == unit), cands[0] if cands else None)
    if entry is None or entry.task.kind == "bernoulli":
        return None
    unit = ", single ideas" if entry.unit == "idea" else ""
    # a norm built from the researcher's own respond study says so (norms_writing.build_from_study)
    study = ((index.files.get(entry.norm_id.split(":")[0]) or {}).get("provenance") or {}).get("study")
    what = "norm from your study" if isinstance(study, dict) else "norm"
    return Reference(f"{what} {entry.norm_id} (n={entry.task.n}{unit})", "norm", int(entry.task.n),
                     float(entry.task.quantiles[50]), entry.task.percentile)


@dataclass(frozen=True)
class Figures:
    n: int
    n_items: int
    mean: float
    ci_low: float
    ci_high: float
    median: float
    med_low: float
    med_high: float
    ci_over: str  # "items", "responses" or "none"


def _quantiles(boots: np.ndarray) -> tuple[float, float]:
    a = (1.0 - CI_LEVEL) / 2.0
    lo, hi = np.quantile(boots, [a, 1.0 - a])
    return float(lo), float(hi)


def figures(by_item: list[np.ndarray], *, n_boot: int, seed: int) -> Figures:
    """Mean of item means and pooled median, each with its bootstrap CI (see module doc)."""
    items = [np.asarray(v, float) for v in by_item if len(v)]
    pooled = np.concatenate(items) if items else np.array([])
    n, k = int(pooled.size), len(items)
    if n == 0:
        return Figures(0, 0, *(math.nan,) * 6, "none")
    item_means = np.array([v.mean() for v in items])
    mean, median = float(item_means.mean()), float(np.median(pooled))
    rng = np.random.default_rng(seed)
    if k >= 2:
        draws = rng.integers(0, k, size=(n_boot, k))
        means = item_means[draws].mean(axis=1)
        medians = np.array([np.median(np.concatenate([items[i] for i in row])) for row in draws])
        over = "items"
    elif n >= 2:
        draws = rng.integers(0, n, size=(n_boot, n))
        means = pooled[draws].mean(axis=1)
        medians = np.median(pooled[draws], axis=1)
        over = "responses"
    else:
        return Figures(n, k, mean, math.nan, math.nan, median, math.nan, math.nan, "none")
    return Figures(n, k, mean, *_quantiles(means), median, *_quantiles(medians), over)


def ci_ranks(mean: np.ndarray, low: np.ndarray, high: np.ndarray, better: str) -> np.ndarray:
    """1 + number of rows whose CI lies entirely on the better side (missing CI: the mean)."""
    lo = np.where(np.isfinite(low), low, mean)
    hi = np.where(np.isfinite(high), high, mean)
    if better == "lower":
        lo, hi = -hi, -lo
    return 1 + (lo[None, :] > hi[:, None]).sum(axis=1)


def rank_labels(ranks: np.ndarray) -> list[str]:
    """"1", "=2", "=2", "4": a shared rank is marked as a tie."""
    counts = {int(r): int((ranks == r).sum()) for r in ranks}
    return [f"={int(r)}" if counts[int(r)] > 1 else str(int(r)) for r in ranks]


__all__ = ["CI_LEVEL", "Figures", "Reference", "ci_ranks", "figures", "norm_reference", "rank_labels", "table_reference"]
