"""Text features of a piece of writing that carry over across forms (story, poem, pastiche).

Why these: each measures something the creativity literature ties to judged creativity
of writing, not a trace of who wrote it, and none depends on a form's length or layout:

* ``dsi``: divergent semantic integration (how far apart the ideas a text connects lie);
* ``sentence_spread``: mean pairwise distance of the text's sentence embeddings (MiniLM),
  how far the text travels from one sentence to the next;
* ``zipf_mean`` / ``rare_share``: lexical rarity of the content words (wordfreq Zipf
  frequency; share of words rarer than Zipf 3, i.e. under one in a million);
* ``mattr``: moving-average type-token ratio over 25-word windows (lexical diversity that,
  unlike the raw type-token ratio, does not fall with length);
* ``compression`` (zlib-compressed over raw size, a Lempel-Ziv-style complexity) is
  computed for the details but not used: on the rated stories it is a proxy for length
  (r = -.90 with log words; what is left after length correlates .07 with the ratings),
  and length is not creativity - it would also rank a haiku below any story.

Each feature is NaN when the text gives no basis for it (e.g. one sentence for
``sentence_spread``); the scorer imputes the training mean there and says so.
"""

from __future__ import annotations

import math
import zlib
from typing import Sequence

import numpy as np
import pandas as pd

FEATURES = ("dsi", "sentence_spread", "zipf_mean", "rare_share", "mattr")
EXTRA = ("compression", "words")
MATTR_WINDOW = 25


def _lexical(text: str) -> dict[str, float]:
    from benchmark.scoring.semantic_distance import content_words, words, zipf

    toks = [w for w in words(text) if not w.isdigit()]
    content = content_words(text)
    out = {"zipf_mean": math.nan, "rare_share": math.nan, "mattr": math.nan, "compression": math.nan,
           "words": float(len(toks))}
    if content:
        z = np.array([zipf(w) for w in content], dtype=float)
        known = z[z > 0]
        out["zipf_mean"] = float(known.mean()) if known.size else math.nan
        out["rare_share"] = float(np.mean(z < 3.0))
    if toks:
        w = min(MATTR_WINDOW, len(toks))
        ttrs = [len(set(toks[i:i + w])) / w for i in range(0, len(toks) - w + 1)]
        out["mattr"] = float(np.mean(ttrs))
    raw = " ".join(str(text).split()).encode("utf-8")
    if len(raw) >= 20:
        out["compression"] = len(zlib.compress(raw, 9)) / len(raw)
    return out


def sentence_spread(texts: Sequence[str]) -> list[float]:
    """Mean pairwise cosine distance between a text's sentence embeddings (NaN under 2)."""
    from benchmark.scoring.dsi import mean_pairwise_distance, sentences
    from benchmark.scoring.embeddings import sentence_encoder

    per = [sentences(t)[:400] for t in texts]
    flat = [s for ss in per for s in ss]
    vecs = sentence_encoder().encode(flat) if flat else np.zeros((0, 384), dtype=np.float32)
    out, at = [], 0
    for ss in per:
        out.append(mean_pairwise_distance(vecs[at:at + len(ss)]) if len(ss) >= 2 else math.nan)
        at += len(ss)
    return out


def writing_features(texts: Sequence[str], dsi: Sequence[float] | None = None,
                     surprisal: bool | None = None) -> pd.DataFrame:
    """One row of ``FEATURES`` (+ ``EXTRA``) per text (``dsi`` computed here unless given).

    ``surprisal`` adds the SmolLM2 surprisal columns (``writing_surprisal.SURPRISAL``); by
    default they are computed only when ``FEATURES`` uses them (they cost a language model)."""
    texts = ["" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t) for t in texts]
    if dsi is None:
        from benchmark.scoring.dsi import DivergentSemanticIntegration

        scorer = DivergentSemanticIntegration()
        dsi, _ = _dsi(scorer, texts)
    from benchmark.scoring.writing_surprisal import SURPRISAL, surprisal_features

    lex = pd.DataFrame([_lexical(t) for t in texts])
    df = pd.DataFrame({"dsi": np.asarray(dsi, dtype=float), "sentence_spread": sentence_spread(texts)})
    parts = [df, lex]
    if surprisal or (surprisal is None and set(SURPRISAL) & set(FEATURES)):
        parts.append(surprisal_features(texts, progress=len(texts) > 50))
    out = pd.concat(parts, axis=1)
    return out[[c for c in dict.fromkeys(FEATURES + EXTRA + SURPRISAL) if c in out.columns]]


def _dsi(scorer, texts: list[str]):  # type: ignore[no-untyped-def]
    from benchmark.scoring.dsi import dsi_values

    return dsi_values(texts, scorer.encoder, max_sentences=scorer.max_sentences, seed=scorer.seed)


__all__ = ["EXTRA", "FEATURES", "sentence_spread", "writing_features"]
