"""Pairwise similarity of the answers in one group, computed in row blocks.

Why blocks: a human data set has thousands of answers to one prompt, and a 5 MB answer
can carry thousands of ideas. The full ``n x n`` (or ``ideas x ideas``) matrix is never
built: one block of rows at a time is ``V[block] @ V.T`` (one BLAS call), reduced with
``np.maximum.reduceat`` / ``np.add.reduceat`` to answer-by-answer similarities, used, and
dropped. Memory stays ``O(block x ideas)``, fixed by ``BLOCK_ELEMENTS``.

An answer is a set of unit vectors: one vector for a text answer, one per idea for a
list answer. Two answers' similarity is the symmetric mean best match,

    sim(a, b) = (mean_i max_j a_i.b_j + mean_j max_i a_i.b_j) / 2,

which is the plain cosine for two one-vector answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

BLOCK_ELEMENTS = 1 << 22  # floats per block of the idea x idea product (16 MB in float32)


@dataclass(frozen=True)
class AnswerSets:
    """The answers of one group: their vectors stacked, and where each answer starts."""

    vectors: np.ndarray  # (m, dim) float32 unit rows
    starts: np.ndarray  # (n,) first row of each answer; every answer has >= 1 row

    @property
    def n(self) -> int:
        return int(self.starts.shape[0])

    @property
    def counts(self) -> np.ndarray:
        return np.diff(np.append(self.starts, self.vectors.shape[0]))

    @classmethod
    def from_sizes(cls, vectors: np.ndarray, sizes: "list[int] | np.ndarray") -> "AnswerSets":
        """Stacked vectors, ``sizes[i]`` rows for answer i (each >= 1)."""
        sizes = np.asarray(sizes, dtype=np.int64)
        if (sizes < 1).any():
            raise ValueError("every answer needs at least one vector")
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        return cls(np.ascontiguousarray(vectors, dtype=np.float32), starts)

    @classmethod
    def from_lists(cls, vectors: list[np.ndarray]) -> "AnswerSets":
        return cls.from_sizes(np.vstack(vectors), [v.shape[0] for v in vectors])


def similarity_blocks(sets: AnswerSets, block_elements: int = BLOCK_ELEMENTS) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield ``(r0, r1, sim)`` with ``sim[i - r0, j]`` = sim(answer i, answer j), rows in order."""
    V, starts = sets.vectors, sets.starts
    n, m = sets.n, V.shape[0]
    counts = sets.counts.astype(np.float64)
    ends = starts + sets.counts
    per_block = max(1, block_elements // max(m, 1))  # idea rows per block
    if m == n:  # one vector per answer: the similarity is the plain cosine, no reductions
        for r0 in range(0, n, per_block):
            r1 = min(n, r0 + per_block)
            yield r0, r1, np.clip((V[r0:r1] @ V.T).astype(np.float64), -1.0, 1.0)
        return
    r0 = 0
    while r0 < n:
        r1 = max(r0 + 1, int(np.searchsorted(ends, starts[r0] + per_block, side="right")))
        a0, a1 = int(starts[r0]), int(ends[r1 - 1])
        prod = V[a0:a1] @ V.T  # (ideas of the block) x (all ideas)
        local = starts[r0:r1] - a0
        # mean over block answer i's ideas of their best match in answer j
        best_in_j = np.maximum.reduceat(prod, starts, axis=1)
        a = np.add.reduceat(best_in_j, local, axis=0, dtype=np.float64) / counts[r0:r1, None]
        # mean over answer j's ideas of their best match in block answer i
        best_in_i = np.maximum.reduceat(prod, local, axis=0)
        b = np.add.reduceat(best_in_i, starts, axis=1, dtype=np.float64) / counts[None, :]
        yield r0, r1, np.clip((a + b) / 2.0, -1.0, 1.0)
        r0 = r1


@dataclass(frozen=True)
class GroupSummary:
    labels: np.ndarray  # class per answer (classes numbered by first appearance)
    mean_distance: float | None  # mean over pairs of 1 - sim; None for one answer


def summarise(sets: AnswerSets, threshold: float, block_elements: int = BLOCK_ELEMENTS) -> GroupSummary:
    """Greedy partition (each answer joins the first class whose founder it matches, else
    founds one: NoveltyBench's rule) and the mean pairwise distance, in one pass over blocks."""
    n = sets.n
    labels = np.empty(n, dtype=np.int64)
    founders = np.empty(n, dtype=np.int64)
    n_classes = 0
    upper_sum = 0.0
    for r0, r1, sim in similarity_blocks(sets, block_elements):
        for i in range(r0, r1):
            row = sim[i - r0]
            hit = np.flatnonzero(row[founders[:n_classes]] >= threshold) if n_classes else ()
            if len(hit):
                labels[i] = hit[0]
            else:
                founders[n_classes] = i
                labels[i] = n_classes
                n_classes += 1
        upper_sum += float(np.triu(sim, k=r0 + 1).sum())  # pairs (i, j) with j > i
    pairs = n * (n - 1) / 2
    mean_distance = 1.0 - upper_sum / pairs if n > 1 else None
    return GroupSummary(labels, mean_distance)


def expected_distinct(class_sizes: np.ndarray, k: int) -> float:
    """Exact expected number of classes met in a uniform draw of ``k`` of the ``n`` answers
    (without replacement): sum over classes of 1 - C(n - s, k) / C(n, k)."""
    s = np.asarray(class_sizes, dtype=np.float64)
    n = float(s.sum())
    if n <= k:
        return float(len(s))
    absent = np.ones_like(s)
    for t in range(k):  # C(n-s, k)/C(n, k) = prod_t (n - s - t)/(n - t), 0 once n - s < k
        absent *= np.clip(n - s - t, 0.0, None) / (n - t)
    return float(np.sum(1.0 - absent))


def distinct_in_draws(labels: np.ndarray, k: int, draws: int, seed: int) -> np.ndarray:
    """Distinct classes in each of ``draws`` random draws of ``k`` answers (no replacement)."""
    labels = np.asarray(labels)
    n = labels.shape[0]
    rng = np.random.default_rng(seed)
    out = np.empty(draws, dtype=np.int64)
    step = max(1, (1 << 20) // max(n, 1))  # draws per batch: keys matrix stays ~8 MB
    for d0 in range(0, draws, step):
        d1 = min(draws, d0 + step)
        keys = rng.random((d1 - d0, n))
        picked = np.sort(labels[np.argpartition(keys, k - 1, axis=1)[:, :k]], axis=1)
        out[d0:d1] = 1 + (np.diff(picked, axis=1) != 0).sum(axis=1)
    return out


__all__ = ["AnswerSets", "BLOCK_ELEMENTS", "GroupSummary", "distinct_in_draws", "expected_distinct",
           "similarity_blocks", "summarise"]
