"""Diversity across samples: does a model say something different each time it is asked?

For every group of responses to the same prompt from the same source
(``task_id, task_version, item_id, source``; the ``n`` samples of a run) this scorer
partitions the responses into semantic-equivalence classes, NoveltyBench-style (Zhang et
al. 2025): responses are visited in ``sample_idx`` order and each joins the first class
whose first member it is equivalent to, else opens a new class. Two responses are
equivalent when

* text answers: MiniLM cosine similarity >= ``threshold`` (0.9: rewordings of one answer
  land above it, different answers to one prompt below);
* list answers (AUT ideas ...): their idea sets match - the symmetric mean over ideas of
  the best MiniLM similarity to an idea of the other list is >= ``threshold``, so a
  re-ordered or lightly reworded list is still the same answer.

The figure is a property of the group, so every row of a group carries the group's value:
``value`` = number of distinct classes; ``details`` = group size, the row's class, and
the group's mean pairwise cosine distance (1 - similarity, same representation). A group
of one response has value 1 and no pairwise distance.
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from benchmark.scoring.base import score_frame
from benchmark.scoring.prepare import ideas_of
from benchmark.scoring.rows import NAN, row_problem

DIVERSITY_THRESHOLD = 0.9
GROUP_KEY = ["task_id", "task_version", "item_id", "source"]


def set_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Symmetric mean best-match cosine between two sets of unit vectors."""
    sims = a @ b.T
    return float((sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2.0)


def greedy_partition(sim: np.ndarray, threshold: float) -> list[int]:
    """Class index per element: join the first class whose founder is similar enough."""
    founders: list[int] = []
    labels: list[int] = []
    for i in range(sim.shape[0]):
        for c, f in enumerate(founders):
            if sim[i, f] >= threshold:
                labels.append(c)
                break
        else:
            founders.append(i)
            labels.append(len(founders) - 1)
    return labels


class Diversity:
    """Distinct answers among a source's samples for one prompt (group figure per row)."""

    name: ClassVar[str] = "diversity"

    def __init__(self, threshold: float = DIVERSITY_THRESHOLD, encoder: Any = None):
        self.threshold = float(threshold)
        self._encoder = encoder
        self.version = f"1.0+minilm+{self.threshold:g}"

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            from benchmark.scoring.embeddings import sentence_encoder

            self._encoder = sentence_encoder()
        return self._encoder

    def similarity_matrix(self, rows: pd.DataFrame) -> np.ndarray:
        """Pairwise similarity of a group's responses (idea sets for list answers)."""
        lists = [ideas_of(r.text, getattr(r, "ideas", None)) for r in rows.itertuples(index=False)]
        fmt = rows["answer_format"].iloc[0] if "answer_format" in rows.columns else None
        as_sets = fmt == "ideas" or (fmt is None and all(len(x) > 1 for x in lists))
        if not as_sets:
            vecs = self.encoder.encode([str(t).strip() for t in rows["text"]])
            return np.clip(vecs @ vecs.T, -1.0, 1.0)
        sets = [self.encoder.encode(x if x else [str(t)]) for x, t in zip(lists, rows["text"])]
        n = len(sets)
        sim = np.eye(n)
        for i, j in itertools.combinations(range(n), 2):
            sim[i, j] = sim[j, i] = set_similarity(sets[i], sets[j])
        return sim

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        df = responses.reset_index(drop=True)
        values = np.full(len(df), NAN)
        details: list[dict[str, Any]] = [{} for _ in range(len(df))]
        problems = [row_problem(r) for r in df.itertuples(index=False)]
        for i, p in enumerate(problems):
            if p:
                details[i] = {"reason": p}
        ok = df[[p is None for p in problems]]
        keys = [k for k in GROUP_KEY if k in ok.columns]
        for _, group in ok.groupby(keys, sort=False):
            if "sample_idx" in group.columns:
                group = group.sort_values("sample_idx", kind="stable")
            sim = self.similarity_matrix(group)
            labels = greedy_partition(sim, self.threshold)
            n = len(group)
            distinct = len(set(labels))
            upper = sim[np.triu_indices(n, k=1)]
            mean_dist = float(np.mean(1.0 - upper)) if n > 1 else None
            for pos, (idx, lab) in enumerate(zip(group.index, labels)):
                values[idx] = distinct
                details[idx] = {
                    "group_size": n, "distinct": distinct, "class": int(lab),
                    "distinct_share": distinct / n, "mean_pairwise_distance": mean_dist,
                }
        return score_frame(df, self.name, self.version, values, details)


__all__ = ["DIVERSITY_THRESHOLD", "Diversity", "greedy_partition", "set_similarity"]
