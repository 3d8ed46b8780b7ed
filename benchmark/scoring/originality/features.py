"""Features for the learned originality model.

Why these: the response embedding says which *kinds* of answers people find original;
the item embedding and the response x item product say how the answer relates to its
object (and carry each object's rating level); MiniLM and GloVe semantic distances,
length (elaborate answers are rated higher) and word rarity (wordfreq Zipf) add what a
sentence embedding smooths away. Every feature comes from the cached MiniLM embedding of
the response and of the item, so the learned scorer costs no transformer pass beyond
what semantic distance already paid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from benchmark.scoring.embeddings import load_word_vectors, sentence_encoder
from benchmark.scoring.originality.data import TASKS, normalise_item
from benchmark.scoring.semantic_distance import _wordfreq_version, content_words, glove_distances, words, zipf
from benchmark.scoring.text_features import TextMemo, floats_bytes, floats_value

FEATURE_VERSION = "1"
SCALAR_NAMES = [
    "semdis_minilm",
    "semdis_glove_additive",
    "semdis_glove_multiplicative",
    "glove_missing",
    "log_words",
    "log_chars",
    "zipf_mean",
    "zipf_min",
    "unknown_share",
    *[f"task_{t}" for t in TASKS],
]


def text_stats(text: str) -> list[float]:
    """Length and word-rarity statistics (Zipf 0 = unknown to wordfreq); remembered per
    text in the process and on disk (``benchmark.scoring.text_features``)."""
    return _STATS(text)


def _text_stats(text: str) -> list[float]:
    toks = [w for w in words(text) if not w.isdigit()]
    content = content_words(text) or toks
    z = [zipf(w) for w in content] or [0.0]
    unknown = sum(1 for w in toks if zipf(w) == 0) / max(len(toks), 1)
    return [math.log1p(len(toks)), math.log1p(len(text)), sum(z) / len(z), min(z), unknown]


_STATS = TextMemo(f"text_stats/2+wordfreq-{_wordfreq_version()}", _text_stats, encode=floats_bytes, decode=floats_value)


@dataclass
class FeatureBlocks:
    """Per-row feature blocks; the model decides which it combines (in-domain vs unseen)."""

    text: np.ndarray  # MiniLM embedding of the response (unit rows)
    item: np.ndarray  # MiniLM embedding of the item (object, scenario)
    scalars: np.ndarray  # SCALAR_NAMES columns

    def __len__(self) -> int:
        return self.text.shape[0]


def build_features(tasks: Sequence[str], items: Sequence[str], texts: Sequence[str]) -> FeatureBlocks:
    """Feature blocks for aligned (task, item, text) lists.

    Inputs must already be checked (non-empty English text, known task); GloVe distances
    that cannot be computed (no known word) are set to 0 with ``glove_missing`` = 1.
    """
    enc = sentence_encoder()
    e_text = enc.encode(list(texts))
    items = [normalise_item(i) for i in items]
    uniq = list(dict.fromkeys(items))
    item_vecs = dict(zip(uniq, enc.encode(uniq)))
    e_item = np.stack([item_vecs[i] for i in items]) if len(items) else np.empty((0, enc.dim), np.float32)
    semdis = 1.0 - np.einsum("ij,ij->i", e_text, e_item)
    add, mult, _ = glove_distances(items, texts, load_word_vectors(None))
    missing = np.isnan(add) | np.isnan(mult)
    add = np.where(np.isnan(add), 0.0, add)
    mult = np.where(np.isnan(mult), 0.0, mult)
    _STATS.prefetch(texts)
    stats = np.array([_STATS(t) for t in texts], dtype=np.float64).reshape(len(texts), 5)
    _STATS.flush()
    onehot = (np.asarray(list(tasks), dtype=object)[:, None] == np.array(TASKS, dtype=object)[None, :]).astype(np.float64)
    onehot = onehot.reshape(len(texts), len(TASKS))
    scalars = np.column_stack([semdis, add, mult, missing.astype(float), stats, onehot]).astype(np.float32)
    return FeatureBlocks(text=e_text, item=e_item, scalars=scalars)


__all__ = ["FEATURE_VERSION", "FeatureBlocks", "SCALAR_NAMES", "build_features", "text_stats"]
