"""Divergent-thinking basics: fluency, elaboration, flexibility and duplicate ideas.

These are the classic Torrance-style counts for list answers (AUT, Consequences,
Instances). An *idea* is one list item of the response (``ideas`` column, else one per
line). An idea is *invalid* when it is empty, too short to carry meaning (fewer than
two letters) or repeats an earlier idea after normalisation; fluency counts only valid
ideas so that padding a list with repeats is not rewarded.

Flexibility and near-duplicates need meaning, so they use MiniLM sentence embeddings
(``benchmark.scoring.embeddings.sentence_encoder``, cached). Their thresholds:

* ``FLEX_DISTANCE`` = 0.65 cosine distance, average linkage. In MiniLM, ideas a person
  would put in one category ("doorstop" / "hold a door open", "paperweight" / "weigh
  down papers", "build a wall" / "build a house") sit at cosine similarity ~0.45-0.7,
  ideas from different categories ("doorstop" / "grind into pigment" / "art
  sculpture") at ~0.0-0.3. Cutting the average-linkage tree at similarity 0.35 keeps
  those apart while joining loose kin ("weapon" / "sharpen knives on it"); 0.75 merged
  "weapon" with "bookend", 0.5 split "doorstop" from "use it as a door stop". The
  examples are in tests/scoring/test_basics.py.
* ``NEAR_DUP_SIMILARITY`` = 0.85: paraphrases of one idea ("use it as a doorstop" /
  "as a door stop") score above ~0.85; distinct ideas in one category rarely do.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from benchmark.scoring.prepare import ideas_of
from benchmark.scoring.rows import RowScorer, field, nan_with

FLEX_DISTANCE = 0.65
NEAR_DUP_SIMILARITY = 0.85
MIN_LETTERS = 2
_LEAD = re.compile(r"^(?:(?:use|using|used)\s+(?:it\s+|them\s+)?(?:as|for|to)\s+|as\s+|to\s+|an?\s+|the\s+)+")
_NON_WORD = re.compile(r"[^\w\s]+")
_WORDS = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


@lru_cache(maxsize=262_144)
def normalise_idea(idea: str) -> str:
    """Lower case, punctuation and leading filler ("use it as a", "the") removed."""
    s = _NON_WORD.sub(" ", str(idea).lower())
    s = " ".join(s.split())
    return _LEAD.sub("", s).strip()


def count_words(text: str) -> int:
    return len(_WORDS.findall(str(text)))


def classify_ideas(ideas: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """Split ideas into valid ones and invalid ones with the reason for each."""
    valid, invalid = _classify(tuple(str(i) for i in ideas))
    return list(valid), [dict(d) for d in invalid]


@lru_cache(maxsize=131_072)
def _classify(ideas: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[dict[str, Any], ...]]:
    # cached: fluency, elaboration, flexibility and duplicates all classify the same lists
    valid: list[str] = []
    invalid: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, idea in enumerate(ideas):
        text = str(idea).strip()
        norm = normalise_idea(text)
        if not text:
            invalid.append({"index": i, "idea": text, "reason": "empty"})
        elif sum(ch.isalpha() for ch in norm) < MIN_LETTERS:
            invalid.append({"index": i, "idea": text, "reason": "too short"})
        elif norm in seen:
            invalid.append({"index": i, "idea": text, "reason": f"duplicate of idea {seen[norm]}"})
        else:
            seen[norm] = i
            valid.append(text)
    return tuple(valid), tuple(invalid)


def _row_ideas(row: Any) -> list[str]:
    return ideas_of(field(row, "text"), getattr(row, "ideas", None))


class Fluency(RowScorer):
    """Number of valid ideas (empty, too-short and repeated ideas do not count)."""

    name: ClassVar[str] = "fluency"
    version = "1.0"

    def score_row(self, row: Any) -> tuple[float, dict[str, Any]]:
        ideas = _row_ideas(row)
        valid, invalid = classify_ideas(ideas)
        return float(len(valid)), {"n_ideas": len(ideas), "invalid": invalid}


class Elaboration(RowScorer):
    """Mean number of words per valid idea (how much detail each idea carries)."""

    name: ClassVar[str] = "elaboration"
    version = "1.0"

    def score_row(self, row: Any) -> tuple[float, dict[str, Any]]:
        valid, _ = classify_ideas(_row_ideas(row))
        if not valid:
            return nan_with("no valid ideas")
        words = [count_words(i) for i in valid]
        return float(np.mean(words)), {"n_ideas": len(valid), "words": words}


class _EmbeddingRowScorer(RowScorer):
    """Encodes every valid idea of the batch in one call before the per-row loop."""

    def __init__(self, encoder: Any = None):
        self._encoder = encoder
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            from benchmark.scoring.embeddings import sentence_encoder

            self._encoder = sentence_encoder()
        return self._encoder

    def prepare_batch(self, rows: pd.DataFrame) -> None:
        texts: list[str] = []
        for row in rows.itertuples(index=False):
            texts.extend(classify_ideas(_row_ideas(row))[0])
        texts = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if texts:
            self._vectors.update(zip(texts, self.encoder.encode(texts)))

    def vectors(self, ideas: list[str]) -> np.ndarray:
        missing = [i for i in ideas if i not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.encoder.encode(missing)))
        return np.vstack([self._vectors[i] for i in ideas])


FLEX_EXACT_MAX = 2000  # ideas: above this, average linkage (n x n memory) gives way to a linear-memory pass
MAX_PAIRS_LISTED = 500  # near-duplicate pairs written to details (all are counted)


def cluster_ideas(vectors: np.ndarray, distance_threshold: float = FLEX_DISTANCE) -> np.ndarray:
    """Agglomerative clusters (cosine, average linkage) cut at ``distance_threshold``.

    Above ``FLEX_EXACT_MAX`` ideas the ``n x n`` distance matrix of average linkage would
    not fit, so ideas are clustered by one leader pass instead (each idea joins the first
    cluster whose first idea is within the distance, in row blocks): see ``cluster_method``.
    """
    if len(vectors) == 1:
        return np.zeros(1, dtype=int)
    if len(vectors) > FLEX_EXACT_MAX:
        from benchmark.scoring.group_similarity import AnswerSets, summarise

        sets = AnswerSets(np.ascontiguousarray(vectors, dtype=np.float32), np.arange(len(vectors), dtype=np.int64))
        return summarise(sets, 1.0 - distance_threshold).labels
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance_threshold, metric="cosine", linkage="average"
    )
    return model.fit_predict(vectors)


def cluster_method(n_ideas: int) -> str:
    """How ``cluster_ideas`` clusters ``n_ideas`` ideas (written to the details)."""
    if n_ideas <= FLEX_EXACT_MAX:
        return "average linkage"
    return f"leader pass (more than {FLEX_EXACT_MAX} ideas: average linkage needs n x n memory)"


def near_pairs(vecs: np.ndarray, similarity: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs ``a < b`` with cosine >= ``similarity``, found in row blocks (memory linear in n)."""
    from benchmark.scoring.group_similarity import BLOCK_ELEMENTS

    n = len(vecs)
    step = max(1, BLOCK_ELEMENTS // max(n, 1))
    found_a, found_b, found_s = [], [], []
    for r0 in range(0, n, step):
        sims = vecs[r0:r0 + step] @ vecs.T
        ii, jj = np.nonzero(sims >= similarity)
        keep = jj > ii + r0
        found_a.append(ii[keep] + r0)
        found_b.append(jj[keep])
        found_s.append(sims[ii[keep], jj[keep]])
    if not found_a:
        return np.empty(0, int), np.empty(0, int), np.empty(0)
    return np.concatenate(found_a), np.concatenate(found_b), np.concatenate(found_s)


class Flexibility(_EmbeddingRowScorer):
    """Number of distinct idea categories: clusters of the valid ideas' MiniLM embeddings."""

    name: ClassVar[str] = "flexibility"

    def __init__(self, encoder: Any = None, distance_threshold: float = FLEX_DISTANCE):
        super().__init__(encoder)
        self.distance_threshold = float(distance_threshold)
        self.version = f"1.0+minilm+avg{self.distance_threshold:g}"

    def score_row(self, row: Any) -> tuple[float, dict[str, Any]]:
        valid, _ = classify_ideas(_row_ideas(row))
        if not valid:
            return nan_with("no valid ideas")
        if len(valid) == 1:
            return 1.0, {"n_ideas": 1, "categories": [valid], "method": cluster_method(1)}
        labels = cluster_ideas(self.vectors(valid), self.distance_threshold)
        groups: dict[int, list[str]] = {}
        for idea, lab in zip(valid, labels):
            groups.setdefault(int(lab), []).append(idea)
        return float(len(groups)), {"n_ideas": len(valid), "categories": list(groups.values()),
                                    "method": cluster_method(len(valid))}


class Duplicates(_EmbeddingRowScorer):
    """Number of ideas that repeat an earlier one: exactly (after normalisation) or nearly
    (MiniLM cosine >= ``similarity``); details list every pair."""

    name: ClassVar[str] = "duplicates"

    def __init__(self, encoder: Any = None, similarity: float = NEAR_DUP_SIMILARITY):
        super().__init__(encoder)
        self.similarity = float(similarity)
        self.version = f"1.0+minilm+{self.similarity:g}"

    def score_row(self, row: Any) -> tuple[float, dict[str, Any]]:
        ideas = [str(i).strip() for i in _row_ideas(row)]
        ideas = [i for i in ideas if i]
        if not ideas:
            return nan_with("no ideas")
        norms = [normalise_idea(i) for i in ideas]
        pairs: list[dict[str, Any]] = []
        repeated: set[int] = set()
        first: dict[str, int] = {}
        for j, n in enumerate(norms):
            if n in first:
                pairs.append({"a": first[n], "b": j, "kind": "exact", "ideas": [ideas[first[n]], ideas[j]]})
                repeated.add(j)
            else:
                first[n] = j
        distinct = sorted(first.values())
        n_near = 0
        if len(distinct) > 1:
            a, b, sims = near_pairs(self.vectors([ideas[k] for k in distinct]), self.similarity)
            order = np.lexsort((b, a))  # pairs in reading order, as the details always listed them
            n_near = len(order)
            for x in order[:MAX_PAIRS_LISTED]:
                i, j = distinct[int(a[x])], distinct[int(b[x])]
                pairs.append({"a": i, "b": j, "kind": "near", "similarity": round(float(sims[x]), 4),
                              "ideas": [ideas[i], ideas[j]]})
            repeated.update(distinct[int(j)] for j in np.unique(b))
        det: dict[str, Any] = {"n_ideas": len(ideas), "pairs": pairs}
        if n_near > MAX_PAIRS_LISTED:
            det["near_pairs"] = n_near
            det["pairs_listed"] = f"first {MAX_PAIRS_LISTED} of {n_near} near pairs listed"
        return float(len(repeated)), det


__all__ = [
    "Duplicates", "Elaboration", "FLEX_DISTANCE", "Flexibility", "Fluency", "NEAR_DUP_SIMILARITY",
    "classify_ideas", "cluster_ideas", "cluster_method", "count_words", "near_pairs", "normalise_idea",
]
