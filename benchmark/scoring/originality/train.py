"""Fitting the originality model (see model.py for why this shape).

Per task: a PCA of the response embeddings (shared), a per-item k-means codebook of the
rated training responses (codebook.py), a per-item ridge on the response embedding, a
ridge for items with ratings (its codebook features are computed leave-one-out and the
per-item ridge out-of-fold on the training rows, so it learns how far to trust figures it
will really have) and a ridge on object-free features for unseen items. The in-domain
alpha is chosen on the validation split only; ``leave_objects_out_cv`` reports how the
recipe does on objects it never saw.

``python -m benchmark.scoring.originality.train --out DIR`` refits the shipped
parameters from ``../shared/data/ocsai-aut`` (train split; val for choosing).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.scoring.originality.data import TASKS, normalise_item, read_ocsai_jsonl
from benchmark.scoring.originality.features import FEATURE_VERSION, FeatureBlocks, build_features
from benchmark.scoring.originality.codebook import M_CENTROIDS, MIN_CLUSTER, ROWS_PER_CLUSTER, fit_codebook
from benchmark.scoring.originality.model import (
    ItemLinear,
    Linear,
    OriginalityModel,
    TaskHead,
    in_domain_matrix,
    out_of_domain_matrix,
)
from benchmark.scoring.semantic_distance import text_problem

RIDGE_ALPHAS = (100.0, 300.0, 1000.0, 3000.0)
DEFAULT_ALPHA = 1000.0
OUT_OF_DOMAIN_ALPHA = 1000.0  # chosen by leave-objects-out CV on the ocsai train split
PCA_DIM = 128
ITEM_ALPHA = 1.0  # per-item ridge on the response embedding (val AUT: alpha .1-3 all within .003)
ITEM_FOLDS = 5  # its feature for training rows is out-of-fold


@dataclass
class FitReport:
    """What a fit did and how well it did; goes into provenance.json."""

    n_train: int
    n_val: int
    alphas: dict[str, float]
    val_r: float | None
    val_r_by_task: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def usable(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose text can be scored (the same check the scorer applies)."""
    keep = np.array([text_problem(t) is None and bool(str(i).strip()) for t, i in zip(df["text"], df["item"])], dtype=bool)
    return df[keep].reset_index(drop=True)


def features_of(df: pd.DataFrame) -> FeatureBlocks:
    return build_features(list(df["task"]), list(df["item"]), list(df["text"]))


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    m = ~(np.isnan(a) | np.isnan(b))
    a, b = a[m], b[m]
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _ridge(X: np.ndarray, y: np.ndarray, alpha: float) -> Linear:
    from sklearn.linear_model import Ridge

    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-8] = 1.0
    r = Ridge(alpha=alpha).fit((X - mean) / scale, y)
    return Linear(mean, scale, r.coef_.astype(np.float64), float(r.intercept_))


def _centre_within(y: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    """Ratings minus their object's mean, plus the grand mean (the unseen-object target)."""
    means = pd.Series(y).groupby(np.asarray(groups)).transform("mean").to_numpy()
    return y - means + float(np.mean(y))


def _take(b: FeatureBlocks, idx: np.ndarray) -> FeatureBlocks:
    return FeatureBlocks(b.text[idx], b.item[idx], b.scalars[idx])


def _fit_pca(text_emb: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.decomposition import PCA

    dim = min(PCA_DIM, text_emb.shape[0] - 1, text_emb.shape[1])
    pca = PCA(n_components=dim, random_state=seed).fit(text_emb)
    return pca.mean_.astype(np.float32), pca.components_.astype(np.float32)


def _fit_item_linear(text: np.ndarray, items: Sequence[str], y: np.ndarray, names: Sequence[str],
                     seed: int) -> tuple[ItemLinear, np.ndarray]:
    """A ridge per item on the response embedding, and its out-of-fold predictions for the training rows."""
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold

    norm = np.asarray(items)
    coef = np.zeros((len(names), text.shape[1]), np.float32)
    intercept = np.zeros(len(names), np.float32)
    oof = np.full(len(norm), np.nan)
    for i, name in enumerate(names):
        rows = np.flatnonzero(norm == name)
        X = text[rows].astype(np.float64)
        for tr, te in KFold(min(ITEM_FOLDS, len(rows)), shuffle=True, random_state=seed).split(rows):
            oof[rows[te]] = Ridge(alpha=ITEM_ALPHA).fit(X[tr], y[rows[tr]]).predict(X[te])
        r = Ridge(alpha=ITEM_ALPHA).fit(X, y[rows])
        coef[i], intercept[i] = r.coef_, r.intercept_
    return ItemLinear(list(names), coef, intercept), oof


def fit_from_blocks(
    train: pd.DataFrame,
    blocks: FeatureBlocks,
    *,
    val: pd.DataFrame | None = None,
    val_blocks: FeatureBlocks | None = None,
    seed: int = 0,
    alphas: Sequence[float] = RIDGE_ALPHAS,
) -> tuple[OriginalityModel, FitReport]:
    """Fit every task present in ``train`` from precomputed features (used by CV too)."""
    pca_mean, pca_comp = _fit_pca(blocks.text, seed)
    model = OriginalityModel({}, pca_mean, pca_comp)
    proj = model.project(blocks.text)
    y = train["rating"].to_numpy(float)
    tasks = train["task"].to_numpy()
    chosen: dict[str, float] = {}
    for task in [t for t in TASKS if (tasks == t).any()]:
        idx = np.flatnonzero(tasks == task)
        if len(idx) < 20:
            continue
        items = [normalise_item(i) for i in train["item"].to_numpy()[idx]]
        sub = _take(blocks, idx)
        fitted = fit_codebook(proj[idx], items, y[idx], seed)
        item_linear, item_oof = _fit_item_linear(sub.text, items, y[idx], fitted.codebook.items, seed)
        neigh = np.column_stack([fitted.loo_features(proj[idx], items, y[idx]), item_oof])
        known = np.flatnonzero(~np.isnan(neigh).any(axis=1))  # items with < MIN_CLUSTER rows: out of domain
        if len(known) < 20:
            continue
        X_in = in_domain_matrix(_take(sub, known), neigh[known])
        y_in = y[idx][known]
        alpha = DEFAULT_ALPHA
        head_val = None
        if val is not None and val_blocks is not None:
            vidx = np.flatnonzero(val["task"].to_numpy() == task)
            if len(vidx) >= 20:
                head_val = vidx
        if head_val is not None and len(alphas) > 1:
            vsub = _take(val_blocks, head_val)  # type: ignore[arg-type]
            v_items = list(val["item"].to_numpy()[head_val])
            v_neigh = np.column_stack([fitted.codebook.neighbour_features(model.project(vsub.text), v_items),
                                       item_linear.predict(vsub.text, v_items)])
            v_known = ~np.isnan(v_neigh).any(axis=1)
            if v_known.sum() >= 20:
                X_v = in_domain_matrix(_take(vsub, np.flatnonzero(v_known)), v_neigh[v_known])
                y_v = val["rating"].to_numpy(float)[head_val][v_known]
                scores = {a: pearson(_ridge(X_in, y_in, a).predict(X_v), y_v) for a in alphas}
                alpha = max(scores, key=lambda a: -1.0 if np.isnan(scores[a]) else scores[a])
        chosen[task] = alpha
        model.heads[task] = TaskHead(
            inside=_ridge(X_in, y_in, alpha),
            outside=_ridge(out_of_domain_matrix(sub), _centre_within(y[idx], items), OUT_OF_DOMAIN_ALPHA),
            codebook=fitted.codebook,
            item_linear=item_linear,
            y_min=float(np.min(y[idx])),
            y_max=float(np.max(y[idx])),
        )
    if not model.heads:
        raise BenchError("no task has 20 usable rated responses", fix="give at least 20 rated responses per task")
    report = FitReport(n_train=len(train), n_val=0 if val is None else len(val), alphas=chosen, val_r=None)
    if val is not None and val_blocks is not None and len(val):
        pred, _ = model.predict(list(val["task"]), list(val["item"]), val_blocks)
        yv = val["rating"].to_numpy(float)
        report.val_r = pearson(pred, yv)
        for t in TASKS:
            m = val["task"].to_numpy() == t
            if m.sum() >= 3:
                report.val_r_by_task[t] = pearson(pred[m], yv[m])
    return model, report


def fit_model(
    train: pd.DataFrame,
    val: pd.DataFrame | None = None,
    *,
    seed: int = 0,
    source: str = "",
) -> tuple[OriginalityModel, FitReport]:
    """Fit on ``train`` (task, item, text, rating); choose the in-domain alpha on ``val``."""
    train = usable(train)
    if len(train) < 20:
        raise BenchError(f"only {len(train)} usable training rows", fix="give at least 20 rated responses")
    val = usable(val) if val is not None else None
    blocks = features_of(train)
    val_blocks = features_of(val) if val is not None and len(val) else None
    model, report = fit_from_blocks(train, blocks, val=val, val_blocks=val_blocks, seed=seed)
    model.provenance = provenance(train, report, seed, source)
    return model, report


def provenance(train: pd.DataFrame, report: FitReport, seed: int, source: str) -> dict[str, Any]:
    import sentence_transformers
    import sklearn

    return {
        "what": "learned originality: predicts the mean human originality rating of a response",
        "source": source,
        "n_train_by_task": {t: int((train["task"] == t).sum()) for t in TASKS},
        "n_items_by_task": {t: int(train.loc[train["task"] == t, "item"].map(normalise_item).nunique()) for t in TASKS},
        "rating_range": [float(train["rating"].min()), float(train["rating"].max())],
        "seed": seed,
        "feature_version": FEATURE_VERSION,
        "features": "all-MiniLM-L6-v2 emb(text), emb(item), emb(text)*emb(item); SemDis MiniLM + GloVe 6B 50d "
                    "additive/multiplicative; log words/chars; wordfreq zipf mean/min; unknown-word share; task",
        "model": f"per task: ridge on features + codebook features (count- and similarity-weighted mean of the cluster "
                 f"mean ratings of the {M_CENTROIDS} most similar same-item centroids, PCA {PCA_DIM}; log kernel density "
                 f"of rated responses; both leave-one-out when fitting) + a per-item ridge(alpha={ITEM_ALPHA:g}) on "
                 f"emb(text) (out-of-fold when fitting); unseen items: ridge(alpha={OUT_OF_DOMAIN_ALPHA:g}) on "
                 "[emb(text), scalars] fitted to ratings centred within each item",
        "memory": f"per-item k-means codebook: centroids (int8 + scale), cluster mean ratings and counts (clusters of "
                  f">= {MIN_CLUSTER} responses; k = rows/{ROWS_PER_CLUSTER}, smaller clusters dissolved into their "
                  "nearest); no per-response figures stored, no text stored",
        "fit": report.as_dict(),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "sentence-transformers": sentence_transformers.__version__,
        },
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def leave_objects_out_cv(data: pd.DataFrame, n_splits: int = 5, *, seed: int = 0) -> dict[str, float]:
    """Pearson r of the full recipe on folds whose objects were never seen (GroupKFold by item).

    ``all`` pools every row (it mixes objects whose ratings differ in level, which no model
    can know for an unseen object); ``mean_within_object`` is the mean r inside each object
    with 30+ rows, the figure that matters for ranking responses to one prompt.
    """
    from sklearn.model_selection import GroupKFold

    data = usable(data)
    blocks = features_of(data)
    y = data["rating"].to_numpy(float)
    groups = (data["task"] + ":" + data["item"].map(normalise_item)).to_numpy()
    pred = np.full(len(y), np.nan)
    for tr_idx, te_idx in GroupKFold(n_splits=n_splits).split(y, y, groups):
        model, _ = fit_from_blocks(data.iloc[tr_idx].reset_index(drop=True), _take(blocks, tr_idx), seed=seed, alphas=(DEFAULT_ALPHA,))
        pred[te_idx], _ = model.predict(list(data["task"].to_numpy()[te_idx]), list(data["item"].to_numpy()[te_idx]), _take(blocks, te_idx))
    out = {"all": pearson(pred, y)}
    for t in TASKS:
        m = (data["task"] == t).to_numpy()
        if m.sum() >= 3:
            out[t] = pearson(pred[m], y[m])
    per_obj = [pearson(pred[groups == g], y[groups == g]) for g in np.unique(groups) if (groups == g).sum() >= 30]
    out["mean_within_object"] = float(np.nanmean(per_obj)) if per_obj else float("nan")
    return out


def ocsai_splits(data: Path) -> dict[str, pd.DataFrame]:
    """aut_train/aut_val and the Consequences/Instances rows of alltasks_train/val."""
    d = data / "ocsai-aut"
    xt = read_ocsai_jsonl(d / "alltasks_train.jsonl")
    xv = read_ocsai_jsonl(d / "alltasks_val.jsonl")
    return {
        "aut_train": read_ocsai_jsonl(d / "aut_train.jsonl"),
        "aut_val": read_ocsai_jsonl(d / "aut_val.jsonl"),
        "ci_train": xt[xt["task"].isin(["consequences", "instances"])].reset_index(drop=True),
        "ci_val": xv[xv["task"].isin(["consequences", "instances"])].reset_index(drop=True),
    }


def ocsai_training_set(splits: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """aut_train + Consequences/Instances train rows, minus every response also in a val split.

    The ocsai files overlap (most aut_val rows reappear in alltasks_train), so AUT uses
    aut_train only, and val responses are removed from the training rows everywhere.
    """
    def keys(df: pd.DataFrame) -> pd.Series:
        return df["task"] + "\x00" + df["item"].map(normalise_item) + "\x00" + df["text"].str.strip().str.lower()

    val_keys = set(keys(splits["aut_val"])) | set(keys(splits["ci_val"]))
    train = pd.concat([splits["aut_train"], splits["ci_train"]], ignore_index=True)
    return train[~keys(train).isin(val_keys)].reset_index(drop=True)


def ocsai_validation_set(splits: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat([splits["aut_val"], splits["ci_val"]], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    """Refit the shipped parameters from the ocsai data."""
    import os

    from benchmark.paths import shared_data_dir

    ap = argparse.ArgumentParser(prog="python -m benchmark.scoring.originality.train")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "params"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    data = shared_data_dir()
    if data is None:
        print("../shared/data is not here", file=sys.stderr)
        return 2
    splits = ocsai_splits(data)
    train, val = ocsai_training_set(splits), ocsai_validation_set(splits)
    src = ("ocsai-aut (Organisciak et al. 2023, MIT; massivetexts/ocsai data/ocsai1 at db5a3ee): "
           "aut_train + alltasks_train Consequences/Instances rows, minus responses in aut_val/alltasks_val; "
           "alpha chosen on aut_val + alltasks_val Consequences/Instances")
    model, report = fit_model(train, val, seed=args.seed, source=src)
    model.save(args.out)
    print(f"val r = {report.val_r:.3f} {report.val_r_by_task} alphas {report.alphas}; wrote {args.out}")
    return 0


__all__ = [
    "FitReport",
    "fit_from_blocks",
    "fit_model",
    "leave_objects_out_cv",
    "ocsai_splits",
    "ocsai_training_set",
    "ocsai_validation_set",
    "pearson",
    "usable",
]

if __name__ == "__main__":
    sys.exit(main())
