"""Fitting the originality model: ridge + small MLP on the features, blended on val.

Why this recipe: ridge on frozen embeddings is the known, robust baseline; a one-hidden-
layer MLP captures the response x item interactions a linear model misses; averaging the
two is steadier on unseen objects than either alone. Hyper-parameters are chosen on the
validation split only (never on held-out data), and leave-objects-out cross-validation
on the training split reports how the recipe does on objects it never saw.
"""

from __future__ import annotations

import datetime as _dt
import platform
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.scoring.originality.data import TASKS
from benchmark.scoring.originality.features import FEATURE_VERSION, build_features
from benchmark.scoring.originality.model import OriginalityModel
from benchmark.scoring.semantic_distance import text_problem

RIDGE_ALPHAS = (30.0, 100.0, 300.0, 1000.0, 3000.0)
BLENDS = tuple(round(x, 1) for x in np.linspace(0.0, 1.0, 11))
MLP_HIDDEN = 128
MLP_ALPHA = 3.0  # L2 penalty on the MLP weights; chosen on the ocsai val split


@dataclass
class FitReport:
    """What a fit did and how well it did; goes into provenance.json."""

    n_train: int
    n_val: int
    ridge_alpha: float
    blend: float
    val_r: float | None
    val_r_ridge: float | None
    val_r_mlp: float | None
    val_r_by_task: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def usable(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose text can be scored (the same check the scorer applies)."""
    keep = np.array([text_problem(t) is None and bool(str(i).strip()) for t, i in zip(df["text"], df["item"])], dtype=bool)
    return df[keep].reset_index(drop=True)


def features_of(df: pd.DataFrame) -> np.ndarray:
    return build_features(list(df["task"]), list(df["item"]), list(df["text"]))


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _fit_parts(X: np.ndarray, y: np.ndarray, alpha: float, seed: int, mlp: bool):
    from sklearn.linear_model import Ridge
    from sklearn.neural_network import MLPRegressor

    mean = X.mean(axis=0).astype(np.float64)
    scale = X.std(axis=0).astype(np.float64)
    scale[scale < 1e-8] = 1.0
    Z = (X - mean) / scale
    ridge = Ridge(alpha=alpha).fit(Z, y)
    net = None
    if mlp:
        net = MLPRegressor(
            hidden_layer_sizes=(MLP_HIDDEN,),
            alpha=MLP_ALPHA,
            learning_rate_init=1e-3,
            batch_size=128,
            max_iter=60,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=6,
            random_state=seed,
        ).fit(Z, y)
    return mean, scale, ridge, net


def fit_model(
    train: pd.DataFrame,
    val: pd.DataFrame | None = None,
    *,
    seed: int = 0,
    mlp: bool = True,
    alphas: Sequence[float] = RIDGE_ALPHAS,
    source: str = "",
    progress: bool = True,
) -> tuple[OriginalityModel, FitReport]:
    """Fit on ``train`` (task, item, text, rating); choose alpha and blend on ``val``.

    Without ``val`` the middle alpha and an even blend are used.
    """
    train = usable(train)
    if len(train) < 20:
        raise BenchError(f"only {len(train)} usable training rows", fix="give at least 20 rated responses")
    val = usable(val) if val is not None else None
    Xtr = features_of(train)
    ytr = train["rating"].to_numpy(float)
    Xva = features_of(val) if val is not None and len(val) else None
    yva = val["rating"].to_numpy(float) if Xva is not None else None

    alpha = float(alphas[len(alphas) // 2])
    if Xva is not None and len(alphas) > 1:
        from sklearn.linear_model import Ridge

        mean, scale = Xtr.mean(0), Xtr.std(0)
        scale[scale < 1e-8] = 1.0
        scores = {a: pearson(Ridge(alpha=a).fit((Xtr - mean) / scale, ytr).predict((Xva - mean) / scale), yva) for a in alphas}
        alpha = max(scores, key=lambda a: -1 if np.isnan(scores[a]) else scores[a])
    mean, scale, ridge, net = _fit_parts(Xtr, ytr, alpha, seed, mlp and len(train) >= 200)
    model = OriginalityModel(
        mean=mean,
        scale=scale,
        ridge_coef=ridge.coef_.astype(np.float64),
        ridge_intercept=float(ridge.intercept_),
        mlp_weights=[w for w in net.coefs_] if net is not None else [],
        mlp_biases=[b for b in net.intercepts_] if net is not None else [],
        blend=1.0 if net is None else 0.5,
        y_min=float(np.min(ytr)),
        y_max=float(np.max(ytr)),
        items={t: sorted({str(i).strip().lower() for i in train.loc[train["task"] == t, "item"]}) for t in TASKS if (train["task"] == t).any()},
    )
    val_r = val_r_ridge = val_r_mlp = None
    by_task: dict[str, float] = {}
    if Xva is not None:
        model.blend = 1.0
        p_ridge = model.predict(Xva)
        val_r_ridge = pearson(p_ridge, yva)
        if net is not None:
            model.blend = 0.0
            p_mlp = model.predict(Xva)
            val_r_mlp = pearson(p_mlp, yva)
            model.blend = max(BLENDS, key=lambda w: pearson(w * p_ridge + (1 - w) * p_mlp, yva))
        pred = model.predict(Xva)
        val_r = pearson(pred, yva)
        for t in TASKS:
            m = (val["task"] == t).to_numpy()
            if m.sum() >= 3:
                by_task[t] = pearson(pred[m], yva[m])
    report = FitReport(len(train), 0 if val is None else len(val), alpha, model.blend, val_r, val_r_ridge, val_r_mlp, by_task)
    model.provenance = provenance(train, val, report, seed, source)
    return model, report


def provenance(train: pd.DataFrame, val: pd.DataFrame | None, report: FitReport, seed: int, source: str) -> dict[str, Any]:
    import sklearn

    import sentence_transformers

    return {
        "what": "learned originality: predicts the mean human originality rating of a response",
        "source": source,
        "n_train_by_task": {t: int((train["task"] == t).sum()) for t in TASKS},
        "n_items_by_task": {t: int(train.loc[train["task"] == t, "item"].str.lower().nunique()) for t in TASKS},
        "rating_range": [float(train["rating"].min()), float(train["rating"].max())],
        "seed": seed,
        "feature_version": FEATURE_VERSION,
        "features": "MiniLM(all-MiniLM-L6-v2) emb(text), emb(text)*emb(item), SemDis MiniLM + GloVe 6B 50d add/mult, log words/chars, wordfreq zipf mean/min, unknown share, task one-hot",
        "model": f"standardise -> ridge(alpha={report.ridge_alpha}) blended {report.blend}:{round(1 - report.blend, 2)} with MLP({MLP_HIDDEN}, relu, L2 {MLP_ALPHA})",
        "fit": report.as_dict(),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "sentence-transformers": sentence_transformers.__version__,
        },
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def leave_objects_out_cv(data: pd.DataFrame, n_splits: int = 5, *, seed: int = 0, mlp: bool = True) -> dict[str, float]:
    """Pearson r on folds whose objects were never seen in fitting (GroupKFold by item)."""
    from sklearn.model_selection import GroupKFold

    data = usable(data)
    X = features_of(data)
    y = data["rating"].to_numpy(float)
    groups = (data["task"] + ":" + data["item"].str.lower()).to_numpy()
    pred = np.empty(len(y))
    for tr_idx, te_idx in GroupKFold(n_splits=n_splits).split(X, y, groups):
        mean, scale, ridge, net = _fit_parts(X[tr_idx], y[tr_idx], RIDGE_ALPHAS[len(RIDGE_ALPHAS) // 2], seed, mlp)
        Z = (X[te_idx] - mean) / scale
        p = ridge.predict(Z)
        if net is not None:
            p = 0.5 * p + 0.5 * net.predict(Z)
        pred[te_idx] = p
    out = {"all": pearson(pred, y)}
    for t in TASKS:
        m = (data["task"] == t).to_numpy()
        if m.sum() >= 3:
            out[t] = pearson(pred[m], y[m])
    # pooled r mixes objects of different mean rating; the per-object mean r is stricter
    per_obj = [pearson(pred[groups == g], y[groups == g]) for g in np.unique(groups) if (groups == g).sum() >= 30]
    out["mean_within_object"] = float(np.nanmean(per_obj)) if per_obj else float("nan")
    return out


__all__ = ["FitReport", "fit_model", "leave_objects_out_cv", "pearson", "usable"]
