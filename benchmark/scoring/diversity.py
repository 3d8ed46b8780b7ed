"""Diversity across samples: does a source say something different each time it is asked?

A *group* is every response to the same prompt from the same source (``task_id,
task_version, item_id, source``: a model's ``n`` samples, or all the people of a human
data set). Two figures per group, each carried by every row of the group:

* ``diversity`` - the expected number of distinct answers among ``k`` = 10 answers drawn
  from the group (NoveltyBench, Zhang et al. 2025, report distinct-of-10). The group is
  partitioned into semantic-equivalence classes NoveltyBench-style: responses are visited
  in ``sample_idx`` order and each joins the first class whose first member it is
  equivalent to, else opens a new class. The value is then the exact expectation over
  all subsets of 10 (sum over classes of 1 - C(n - size, 10) / C(n, 10)), so it does not
  grow with the number of samples the way a raw count does (519 people vs 100 model
  texts). ``details`` carry ``k``, ``n_group``, the row's ``class``, the classes among all
  answers and the 2.5-97.5 percentile range of distinct answers over 1,000 random draws
  of 10 (seeded). A group of fewer than 10 answers gets its distinct count among all of
  them with a note; the leaderboard does not rank it.
* ``diversity_distance`` - the mean pairwise cosine distance (1 - similarity) between the
  group's answers; NaN for a group of one.

Equivalence: text answers are equivalent when their MiniLM cosine similarity is >=
``threshold`` (0.9: rewordings of one answer land above it, different answers to one
prompt below). List answers (AUT ideas ...) are equivalent when their idea sets match:
the symmetric mean over ideas of the best MiniLM similarity to an idea of the other list
is >= ``threshold``, so a re-ordered or lightly reworded list is still the same answer.
The similarities are computed in row blocks (``benchmark.scoring.group_similarity``): one
matrix product per block, memory linear in the group size.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from benchmark.scoring.base import score_frame
from benchmark.scoring.group_similarity import (
    AnswerSets,
    GroupSummary,
    distinct_in_draws,
    expected_distinct,
    summarise,
)
from benchmark.scoring.prepare import ideas_of
from benchmark.scoring.rows import NAN, row_problem

DIVERSITY_THRESHOLD = 0.9
DIVERSITY_K = 10
DRAWS = 1000
DRAW_SEED = 0
GROUP_KEY = ["task_id", "task_version", "item_id", "source"]


class _GroupScorer:
    """Shared work: group the scorable rows, embed every answer once, summarise each group."""

    name: ClassVar[str] = ""

    def __init__(self, threshold: float = DIVERSITY_THRESHOLD, encoder: Any = None):
        self.threshold = float(threshold)
        self._encoder = encoder

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            from benchmark.scoring.embeddings import sentence_encoder

            self._encoder = sentence_encoder()
        return self._encoder

    def answer_units(self, rows: pd.DataFrame) -> list[list[str]]:
        """A group's answers as texts to embed: the text itself, or its ideas for list answers."""
        texts = [str(t) for t in rows["text"]]
        ideas = rows["ideas"] if "ideas" in rows.columns else [None] * len(rows)
        lists = [ideas_of(t, i) for t, i in zip(rows["text"], ideas)]
        fmt = rows["answer_format"].iloc[0] if "answer_format" in rows.columns else None
        as_sets = fmt == "ideas" or (fmt is None and all(len(x) > 1 for x in lists))
        return [(x if x else [t]) for x, t in zip(lists, texts)] if as_sets else [[t.strip()] for t in texts]

    def group_details(self, labels: np.ndarray, mean_distance: float | None) -> tuple[np.ndarray, list[dict[str, Any]]]:
        raise NotImplementedError

    # A group's partition and mean distance depend only on its answers (in order), the
    # encoder and the threshold, so they are cached with the per-text features: a
    # re-score of a human data set skips the O(n^2) similarity pass of every group.
    def _group_key(self, units: list[list[str]]) -> str:
        h = hashlib.blake2b(f"diversity-group/2|{self.encoder.name}|{self.threshold!r}".encode(), digest_size=16)
        for unit in units:
            h.update(b"\x1e" + "\x1f".join(unit).encode("utf-8"))
        return h.hexdigest()

    def _cached_summaries(self, groups: list[list[list[str]]]) -> list[GroupSummary | None]:
        from benchmark.scoring.text_features import feature_store

        keys = [self._group_key(units) for units in groups]
        found = feature_store().get_many(keys)
        out: list[GroupSummary | None] = []
        for k, units in zip(keys, groups):
            blob = found.get(k)
            labels = np.frombuffer(blob[8:], dtype=np.int32).astype(np.int64) if blob is not None else None
            if labels is None or len(labels) != len(units):
                out.append(None)
                continue
            dist = float(np.frombuffer(blob[:8], dtype=np.float64)[0])
            out.append(GroupSummary(labels, None if np.isnan(dist) else dist))
        return out

    def _store_summaries(self, new: dict[str, GroupSummary]) -> None:
        from benchmark.scoring.text_features import feature_store

        rows = [(k, np.array([np.nan if g.mean_distance is None else g.mean_distance]).tobytes()
                 + g.labels.astype(np.int32).tobytes()) for k, g in new.items()]
        feature_store().put_many(rows)

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
        groups: list[tuple[np.ndarray, list[list[str]]]] = []
        for _, group in ok.groupby(keys, sort=False):
            if "sample_idx" in group.columns:
                group = group.sort_values("sample_idx", kind="stable")
            groups.append((group.index.to_numpy(), self.answer_units(group)))
        summaries = self._cached_summaries([units for _, units in groups])
        todo = [g for g, cached in zip(groups, summaries) if cached is None]
        # one encode call for every group not summarised before (large batches; the cache dedups)
        flat = [u for _, units in todo for unit in units for u in unit]
        vecs = np.ascontiguousarray(self.encoder.encode(flat), dtype=np.float32) if flat else None
        pos, new = 0, {}
        for k, (index, units) in enumerate(groups):
            summary = summaries[k]
            if summary is None:
                sizes = [len(u) for u in units]
                m = sum(sizes)
                summary = summarise(AnswerSets.from_sizes(vecs[pos:pos + m], sizes), self.threshold)
                pos += m
                new[self._group_key(units)] = summary
            vals, dets = self.group_details(summary.labels, summary.mean_distance)
            values[index] = vals
            for idx, d in zip(index, dets):
                details[idx] = d
        self._store_summaries(new)
        return score_frame(df, self.name, self.version, values, details)


class Diversity(_GroupScorer):
    """Expected distinct answers among 10 answers to one prompt (group figure per row)."""

    name: ClassVar[str] = "diversity"

    def __init__(self, threshold: float = DIVERSITY_THRESHOLD, encoder: Any = None, k: int = DIVERSITY_K):
        super().__init__(threshold, encoder)
        self.k = int(k)
        self.version = f"2.0+minilm+{self.threshold:g}+k{self.k}"

    def group_details(self, labels: np.ndarray, mean_distance: float | None) -> tuple[np.ndarray, list[dict[str, Any]]]:
        n = len(labels)
        sizes = np.bincount(labels)
        common: dict[str, Any] = {"k": self.k, "n_group": n, "distinct_all": int(len(sizes)), "threshold": self.threshold}
        if n < self.k:
            value = float(len(sizes))
            common["note"] = f"only {n} answers to this prompt: distinct among {n}, not {self.k} (not comparable)"
        else:
            value = expected_distinct(sizes, self.k)
            if n > self.k:
                per_draw = distinct_in_draws(labels, self.k, DRAWS, DRAW_SEED)
                lo, hi = np.percentile(per_draw, [2.5, 97.5])
                common.update({"draws_95": [float(lo), float(hi)], "draws": DRAWS, "seed": DRAW_SEED})
        common["expected_distinct"] = round(value, 6)
        return np.full(n, value), [{**common, "class": int(c)} for c in labels]


class DiversityDistance(_GroupScorer):
    """Mean pairwise cosine distance between a source's answers to one prompt."""

    name: ClassVar[str] = "diversity_distance"

    def __init__(self, encoder: Any = None):
        super().__init__(DIVERSITY_THRESHOLD, encoder)
        self.version = "1.0+minilm"

    def group_details(self, labels: np.ndarray, mean_distance: float | None) -> tuple[np.ndarray, list[dict[str, Any]]]:
        n = len(labels)
        if mean_distance is None:
            return np.full(n, NAN), [{"n_group": n, "reason": "only one answer to this prompt: no pair to compare"}]
        d = {"n_group": n, "pairs": n * (n - 1) // 2}
        return np.full(n, mean_distance), [dict(d) for _ in range(n)]


__all__ = ["DIVERSITY_K", "DIVERSITY_THRESHOLD", "Diversity", "DiversityDistance"]
