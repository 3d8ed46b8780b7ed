"""Effect sizes, permutation tests and multiple-testing control for human vs AI.

Why cluster bootstrap: ratings of one response are not independent (the same text is
rated several times), so resampling *ratings* gives CIs that are too narrow. Here the
unit of resampling is the item (the rated response): each bootstrap round draws items with
replacement within each group and keeps all their ratings. ``scipy.stats.bootstrap``
cannot cluster, so the resampling is written over item ids with numpy (seeded); it is
vectorised through per-item sufficient statistics (counts, sums, sums of squares and the
histogram over rating levels), so 1,000 rounds cost milliseconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests


def _item_hist(values: pd.Series, items: pd.Series, levels: np.ndarray) -> np.ndarray:
    codes = np.searchsorted(levels, values.to_numpy(float))
    item_codes, _ = pd.factorize(items)
    h = np.zeros((item_codes.max() + 1 if len(item_codes) else 0, len(levels)))
    np.add.at(h, (item_codes, codes), 1.0)
    return h


def _g_from_hist(hx: np.ndarray, hy: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Hedges' g (y minus x) from level histograms; rows are bootstrap rounds."""
    nx, ny = hx.sum(-1), hy.sum(-1)
    mx, my = hx @ levels / nx, hy @ levels / ny
    vx = (hx @ levels**2 - nx * mx**2) / (nx - 1)
    vy = (hy @ levels**2 - ny * my**2) / (ny - 1)
    sp = np.sqrt(((nx - 1) * vx + (ny - 1) * vy) / (nx + ny - 2))
    j = 1 - 3 / (4 * (nx + ny) - 9)  # small-sample correction (Hedges 1981)
    with np.errstate(invalid="ignore", divide="ignore"):
        return j * (my - mx) / sp


def _delta_from_hist(hx: np.ndarray, hy: np.ndarray) -> np.ndarray:
    """Cliff's delta P(y > x) - P(y < x) from level histograms."""
    cx = np.cumsum(hx, axis=-1)
    below = cx - hx  # x strictly below each level
    above = hx.sum(-1, keepdims=True) - cx  # x strictly above
    gt = (hy * below).sum(-1)
    lt = (hy * above).sum(-1)
    return (gt - lt) / (hx.sum(-1) * hy.sum(-1))


def effect_sizes(
    ratings: pd.DataFrame,
    group_col: str,
    ref: str,
    other: str,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> dict:
    """Hedges' g and Cliff's delta of ``other`` minus ``ref`` over ratings, with
    percentile CIs from a cluster bootstrap that resamples items within each group."""
    d = ratings[ratings[group_col].isin([ref, other])]
    levels = np.unique(d["value"].to_numpy(float))
    x = d[d[group_col] == ref]
    y = d[d[group_col] == other]
    if x["item_id"].nunique() < 2 or y["item_id"].nunique() < 2:
        return {"hedges_g": np.nan, "g_ci": [np.nan, np.nan], "cliffs_delta": np.nan, "delta_ci": [np.nan, np.nan]}
    hx = _item_hist(x["value"], x["item_id"], levels)
    hy = _item_hist(y["value"], y["item_id"], levels)
    g = float(_g_from_hist(hx.sum(0), hy.sum(0), levels))
    delta = float(_delta_from_hist(hx.sum(0), hy.sum(0)))
    rng = np.random.default_rng(seed)
    cx = rng.multinomial(len(hx), np.full(len(hx), 1 / len(hx)), size=n_boot)
    cy = rng.multinomial(len(hy), np.full(len(hy), 1 / len(hy)), size=n_boot)
    bx, by = cx @ hx, cy @ hy
    a = (1 - ci) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        gs = _g_from_hist(bx, by, levels)
        ds = _delta_from_hist(bx, by)

    def q(v: np.ndarray) -> list[float]:  # NaN when every round is undefined (no spread at all)
        v = v[np.isfinite(v)]
        return [float(x) for x in np.quantile(v, [a, 1 - a])] if len(v) else [np.nan, np.nan]

    return {"hedges_g": g, "g_ci": q(gs), "cliffs_delta": delta, "delta_ci": q(ds)}


def item_means(ratings: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """One row per rated item: its mean rating and group (the unit of the tests)."""
    return ratings.groupby("item_id", sort=False).agg(mean=("value", "mean"), group=(group_col, "first")).reset_index()


def permutation_p(ratings: pd.DataFrame, group_col: str, ref: str, other: str, *, n_resamples: int = 9999, seed: int = 0) -> float:
    """Two-sided permutation test of the difference in item-level means (labels of
    items are permuted, so ratings of one item move together)."""
    im = item_means(ratings[ratings[group_col].isin([ref, other])], group_col)
    x = im.loc[im["group"] == ref, "mean"].to_numpy()
    y = im.loc[im["group"] == other, "mean"].to_numpy()
    if len(x) < 2 or len(y) < 2:
        return float("nan")

    def stat(a, b, axis):
        return np.mean(b, axis=axis) - np.mean(a, axis=axis)

    res = stats.permutation_test((x, y), stat, permutation_type="independent", vectorized=True,
                                 n_resamples=n_resamples, alternative="two-sided", rng=np.random.default_rng(seed))
    return float(res.pvalue)


def adjust_pvalues(p: list[float] | np.ndarray) -> dict[str, np.ndarray]:
    """Holm and Benjamini-Hochberg adjusted p-values across one family (NaNs kept out).

    statsmodels defaults to Holm-Sidak, so the methods are passed explicitly.
    """
    p = np.asarray(p, float)
    out = {"holm": np.full_like(p, np.nan), "fdr_bh": np.full_like(p, np.nan)}
    ok = ~np.isnan(p)
    if ok.any():
        for method in ("holm", "fdr_bh"):
            out[method][ok] = multipletests(p[ok], alpha=0.05, method=method)[1]
    return out


def top_k_comparison(
    ratings: pd.DataFrame, group_col: str, ref: str, other: str, *, k: int = 10,
    n_boot: int = 1000, seed: int = 0, ci: float = 0.95,
) -> dict:
    """"Best humans vs best AI": the mean of each group's k highest item means, with
    percentile CIs from resampling items within each group, and their difference."""
    im = item_means(ratings[ratings[group_col].isin([ref, other])], group_col)
    x = im.loc[im["group"] == ref, "mean"].to_numpy()
    y = im.loc[im["group"] == other, "mean"].to_numpy()
    k = int(min(k, len(x), len(y)))
    if k < 1:
        return {"k": 0}
    rng = np.random.default_rng(seed)

    def topk(a: np.ndarray) -> np.ndarray:  # rows = rounds
        return -np.mean(np.partition(-a, k - 1, axis=-1)[..., :k], axis=-1)

    bx = topk(x[rng.integers(0, len(x), size=(n_boot, len(x)))])
    by = topk(y[rng.integers(0, len(y), size=(n_boot, len(y)))])
    a = (1 - ci) / 2

    def q(v):
        return [float(t) for t in np.quantile(v, [a, 1 - a])]

    tx, ty = float(topk(x)), float(topk(y))
    return {"k": k, ref: tx, f"{ref}_ci": q(bx), other: ty, f"{other}_ci": q(by),
            "difference": ty - tx, "difference_ci": q(by - bx)}


def mean_ci(values: np.ndarray, *, n_boot: int = 1000, seed: int = 0, ci: float = 0.95) -> tuple[float, float, float]:
    """Mean with a percentile bootstrap CI (values are already one per item)."""
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return (np.nan, np.nan, np.nan)
    if len(v) == 1:
        return (float(v[0]), np.nan, np.nan)
    rng = np.random.default_rng(seed)
    boots = v[rng.integers(0, len(v), size=(n_boot, len(v)))].mean(axis=1)
    a = (1 - ci) / 2
    lo, hi = np.quantile(boots, [a, 1 - a])
    return (float(v.mean()), float(lo), float(hi))
