"""``writing_creativity``: how creative people would judge a piece of writing (1-5).

Why: the writing tasks had no score validated against people. This is a ridge
regression, fitted to the mean creativity rating that 5 raters gave each of 179 human
flash-fiction stories (Bellemare-Pepin et al.; ``shared/data/writing-dat-gpt``), on text
features that carry over to poems and pastiches (``writing_features.FEATURES``: DSI,
sentence spread, lexical rarity and diversity, compressibility). The coefficients ship
in ``writing_creativity_params.json`` with their provenance and cross-validated figures;
``python -m benchmark.scoring.writing_creativity_train`` refits and re-prints them.

A feature the text gives no basis for (one sentence: no sentence spread) is replaced by
the training mean and named in ``details.imputed``; an empty text, or one without word
tokens, is NaN with the reason.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.scoring.base import score_frame

PARAMS = Path(__file__).resolve().parent / "writing_creativity_params.json"


@lru_cache(maxsize=4)
def load_params(path: str | None = None) -> dict[str, Any]:
    p = Path(path) if path else PARAMS
    if not p.is_file():
        raise BenchError("writing_creativity parameters not found", where=str(p),
                         fix="run python -m benchmark.scoring.writing_creativity_train")
    doc = json.loads(p.read_text(encoding="utf-8"))
    for key in ("features", "mean", "scale", "coef", "intercept"):
        if key not in doc:
            raise BenchError(f"writing_creativity parameters lack '{key}'", where=str(p),
                             fix="refit with python -m benchmark.scoring.writing_creativity_train")
    return doc


def predict(params: dict[str, Any], feats: pd.DataFrame) -> tuple[np.ndarray, list[list[str]]]:
    """Predicted ratings and, per row, the features imputed with the training mean."""
    names = list(params["features"])
    X = feats[names].to_numpy(float)
    mean = np.asarray(params["mean"], float)
    imputed = [[names[j] for j in np.flatnonzero(np.isnan(row))] for row in X]
    X = np.where(np.isnan(X), mean, X)
    z = (X - mean) / np.asarray(params["scale"], float)
    return z @ np.asarray(params["coef"], float) + float(params["intercept"]), imputed


class WritingCreativity:
    """Predicted mean human creativity rating (1-5) of a text."""

    name: ClassVar[str] = "writing_creativity"
    version: ClassVar[str] = "1"

    def __init__(self, params: str | None = None):
        self.params = load_params(params)
        if params:
            self.version = f"1+{Path(params).stem}"

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        from benchmark.scoring.dsi import DivergentSemanticIntegration, dsi_values
        from benchmark.scoring.writing_features import writing_features

        texts = ["" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t)
                 for t in (responses["text"].tolist() if "text" in responses.columns else [None] * len(responses))]
        dsi = DivergentSemanticIntegration()
        dvals, ddets = dsi_values(texts, dsi.encoder, max_sentences=dsi.max_sentences, seed=dsi.seed)
        from benchmark.scoring.writing_surprisal import SURPRISAL

        feats = writing_features(texts, dsi=dvals, surprisal=bool(set(SURPRISAL) & set(self.params["features"])))
        pred, imputed = predict(self.params, feats)
        values: list[float] = []
        details: list[dict[str, Any]] = []
        for i, t in enumerate(texts):
            if not t.strip():
                values.append(math.nan)
                details.append({"reason": "empty text"})
                continue
            if math.isnan(dvals[i]):
                values.append(math.nan)
                details.append({"reason": ddets[i].get("reason", "no DSI")})
                continue
            det: dict[str, Any] = {"features": {k: (None if math.isnan(v) else round(float(v), 5))
                                                for k, v in feats.iloc[i].items()}}
            if imputed[i]:
                det["imputed"] = imputed[i]
            if not 1.0 <= pred[i] <= 5.0:  # kept unclipped (ties at 5 would hide a ranking), but flagged
                det["beyond_rated_range"] = True
            if "note" in ddets[i]:
                det["note"] = ddets[i]["note"]
            values.append(float(pred[i]))
            details.append(det)
        return score_frame(responses, self.name, self.version, values, details)


__all__ = ["PARAMS", "WritingCreativity", "load_params", "predict"]
