"""Does an automatic score track the human one? Correlations with CIs per scorer.

Why: an automatic scorer is only worth reporting if it agrees with people on the same
responses. Human ratings are averaged per response and dimension (mean over raters), joined
to the scores table on the response key, and correlated: Pearson with the Fisher z CI
(scipy ``pearsonr(...).confidence_interval``), Spearman with the Fisher z CI using the
Bonett & Wright (2000) standard error ``sqrt((1 + r^2/2) / (n - 3))``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from benchmark.errors import BenchError


def human_means(likert: pd.DataFrame) -> pd.DataFrame:
    """Mean human rating per response (response key) and dimension."""
    d = likert.copy()
    if "response_item_id" in d.columns:
        d["item_id"] = d["response_item_id"]
    key = [c for c in ("task_id", "task_version", "item_id", "source", "sample_idx") if c in d.columns]
    if "sample_idx" not in key:
        raise BenchError("ratings carry no response key (response_item_id, sample_idx)",
                         fix="export ratings from a study, or add task_id,response_item_id,source,sample_idx")
    return d.groupby(key + ["dimension"], as_index=False).agg(human=("value", "mean"), n_raters=("value", "size"))


def spearman_ci(r: float, n: int, ci: float = 0.95) -> list[float]:
    if n <= 3 or not np.isfinite(r):
        return [np.nan, np.nan]
    se = np.sqrt((1 + r * r / 2) / (n - 3))
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    return [float(np.tanh(np.arctanh(r) - z * se)), float(np.tanh(np.arctanh(r) + z * se))]


def correlate(x: np.ndarray, y: np.ndarray) -> dict:
    n = len(x)
    if n < 4 or np.std(x) == 0 or np.std(y) == 0:
        return {"n": n, "pearson_r": np.nan, "pearson_ci": [np.nan, np.nan], "pearson_p": np.nan,
                "spearman_rho": np.nan, "spearman_ci": [np.nan, np.nan], "spearman_p": np.nan}
    pr = stats.pearsonr(x, y)
    pci = pr.confidence_interval(0.95)
    sr = stats.spearmanr(x, y)
    return {"n": n, "pearson_r": float(pr.statistic), "pearson_ci": [float(pci.low), float(pci.high)],
            "pearson_p": float(pr.pvalue), "spearman_rho": float(sr.statistic),
            "spearman_ci": spearman_ci(float(sr.statistic), n), "spearman_p": float(sr.pvalue)}


def validity_table(scores: pd.DataFrame, likert: pd.DataFrame) -> pd.DataFrame:
    """One row per scorer x dimension (x source group 'all'): correlation with humans."""
    hm = human_means(likert)
    sc = scores.copy()
    key = [c for c in ("task_id", "task_version", "item_id", "source", "sample_idx") if c in hm.columns and c in sc.columns]
    for c in key:
        hm[c] = hm[c].astype(str)
        sc[c] = sc[c].astype(str)
    sc["value"] = pd.to_numeric(sc["value"], errors="coerce")
    sc = sc.groupby(key + ["scorer"], as_index=False)["value"].mean()
    joined = sc.merge(hm, on=key)
    if joined.empty:
        raise BenchError(f"no scored response matches a rated response on {', '.join(key)}",
                         fix="score the same responses the study rated")
    rows = []
    for (scorer, dim), g in joined.groupby(["scorer", "dimension"]):
        g = g.dropna(subset=["value", "human"])
        rows.append({"scorer": scorer, "dimension": dim, **correlate(g["value"].to_numpy(), g["human"].to_numpy())})
    return pd.DataFrame(rows)
