"""Human vs AI on rated dimensions: mixed model, effect sizes, permutation tests.

Why all of them: the mixed model answers "is the difference larger than rater and item
noise?"; Hedges' g and Cliff's delta (cluster-bootstrap CIs over items) say how large it
is on two scales; the permutation test of item means needs no model assumptions; Holm and
Benjamini-Hochberg control the error rate across the whole family of comparisons
(dimensions x tasks x contrasts); the top-k comparison asks whether the *best* humans
still beat the *best* AI (Koivisto & Grassini 2023).

All human pools (``human/<pool>``) form the reference group ``human``; contrasts are
"AI (all models) vs human" and, when there are several models, "<model> vs human".
Positive estimates mean the AI side is rated higher. The dimension's scale picks the
model: binary -> binomial mixed model (log-odds, odds ratio; ``binary.binary_contrast``);
ordinal -> the linear mixed model plus a cumulative-link model (``ordinal``); interval
and continuous -> the linear mixed model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmark.analysis.binary import binary_contrast
from benchmark.analysis.effects import adjust_pvalues, effect_sizes, permutation_p, top_k_comparison
from benchmark.analysis.mixed import fit_crossed
from benchmark.analysis.ordinal import fit_cumulative_logit
from benchmark.analysis.scales import Scale
from benchmark.records import is_human_source


def _scopes(likert: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    scopes = [("all tasks", likert)]
    if "task_id" in likert.columns:
        tasks = [t for t in likert["task_id"].dropna().unique()]
        if len(tasks) > 1:
            scopes += [(str(t), likert[likert["task_id"] == t]) for t in sorted(tasks)]
    return scopes


def compare_human_ai(
    likert: pd.DataFrame, *, n_boot: int = 1000, n_perm: int = 9999, seed: int = 0, top_k: int = 10,
    scales: dict[str, Scale] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per scope x dimension x contrast; returns (table, plain-language notes).
    ``scales`` maps a dimension to its scale (missing = treated as interval, as before)."""
    scales = scales or {}
    d = likert.copy()
    d["group"] = np.where(d["source"].map(is_human_source), "human", "ai")
    notes: list[str] = []
    if d["group"].nunique() < 2:
        return pd.DataFrame(), ["human vs AI comparison skipped: the ratings need both human and AI sources"]
    models = sorted(d.loc[d["group"] == "ai", "source"].unique())
    rows = []
    for scope, sd in _scopes(d):
        for dim, dd in sd.groupby("dimension", sort=True):
            contrasts = [("AI vs human", dd)]
            if len(models) > 1:
                contrasts += [(f"{m} vs human", dd[(dd["group"] == "human") | (dd["source"] == m)]) for m in models]
            for label, cd in contrasts:
                if cd["group"].nunique() < 2:
                    continue
                kind = scales[dim].kind if dim in scales else "interval"
                if kind == "binary":
                    row, bnotes = binary_contrast(cd, n_boot=n_boot, n_perm=n_perm, seed=seed)
                    notes += [f"{scope} / {dim} / {label}: {w}" for w in bnotes]
                    rows.append({"scope": scope, "dimension": dim, "contrast": label, **row})
                    continue
                cd = cd.assign(is_ai=(cd["group"] == "ai").astype(int))
                fit = fit_crossed(cd, "is_ai")
                term = fit.term("is_ai")
                for w in fit.warnings:
                    notes.append(f"{scope} / {dim} / {label}: {w}")
                es = effect_sizes(cd, "group", "human", "ai", n_boot=n_boot, seed=seed)
                tk = top_k_comparison(cd, "group", "human", "ai", k=top_k, n_boot=n_boot, seed=seed)
                im = cd.groupby(["item_id", "group"])["value"].mean().reset_index()
                clm = fit_cumulative_logit(cd) if kind == "ordinal" else {}
                rows.append({
                    "scope": scope, "dimension": dim, "contrast": label, "scale": kind,
                    "n_ratings": len(cd), "n_ratings_human": int((cd["group"] == "human").sum()),
                    "n_ratings_ai": int((cd["group"] == "ai").sum()), "n_raters": int(cd["rater_id"].nunique()),
                    "n_items_human": int((im["group"] == "human").sum()),
                    "n_items_ai": int((im["group"] == "ai").sum()),
                    "mean_human": float(cd.loc[cd["group"] == "human", "value"].mean()),
                    "mean_ai": float(cd.loc[cd["group"] == "ai", "value"].mean()),
                    "item_mean_human": float(im.loc[im["group"] == "human", "value"].mean()),
                    "item_mean_ai": float(im.loc[im["group"] == "ai", "value"].mean()),
                    "estimate": term.get("estimate", np.nan), "ci_low": term.get("ci_low", np.nan),
                    "ci_high": term.get("ci_high", np.nan), "p_model": term.get("p", np.nan),
                    "model": fit.method, "var_item": fit.variances.get("item", np.nan),
                    "var_rater": fit.variances.get("rater", np.nan), "var_residual": fit.variances.get("residual", np.nan),
                    "hedges_g": es["hedges_g"], "g_ci_low": es["g_ci"][0], "g_ci_high": es["g_ci"][1],
                    "cliffs_delta": es["cliffs_delta"], "delta_ci_low": es["delta_ci"][0], "delta_ci_high": es["delta_ci"][1],
                    "p_perm": permutation_p(cd, "group", "human", "ai", n_resamples=n_perm, seed=seed),
                    "top_k": tk.get("k", 0), "top_k_human": tk.get("human", np.nan), "top_k_ai": tk.get("ai", np.nan),
                    "top_k_diff": tk.get("difference", np.nan),
                    "top_k_diff_ci_low": (tk.get("difference_ci") or [np.nan, np.nan])[0],
                    "top_k_diff_ci_high": (tk.get("difference_ci") or [np.nan, np.nan])[1],
                    **clm,
                })
    table = pd.DataFrame(rows)
    if len(table):
        for col in ("p_model", "p_perm"):
            adj = adjust_pvalues(table[col].to_numpy())
            table[f"{col}_holm"] = adj["holm"]
            table[f"{col}_bh"] = adj["fdr_bh"]
    return table, notes


def source_means(likert: pd.DataFrame) -> pd.DataFrame:
    """Descriptive table per source x dimension: mean of ratings and of item means."""
    g = likert.groupby(["source", "dimension"])
    out = g["value"].agg(n_ratings="size", mean="mean", sd="std").reset_index()
    im = likert.groupby(["source", "dimension", "item_id"])["value"].mean().reset_index()
    out = out.merge(im.groupby(["source", "dimension"])["value"].agg(n_items="size", item_mean="mean").reset_index(),
                    on=["source", "dimension"])
    out["is_human"] = out["source"].map(is_human_source)
    return out
