"""Yes/no judgments (checklist tests, binary dimensions): pass rates, agreement, human vs AI.

Why these statistics: a pass rate is what a reader wants (how often did the answer pass the
test); its CI is given two ways, Wilson over judgments (statsmodels ``proportion_confint``,
treats judgments as independent) and a percentile cluster bootstrap that resamples *items*
(all judgments of one answer move together), which is the honest one when each answer is
judged several times. Agreement on nominal data is Fleiss' kappa (statsmodels
``fleiss_kappa``, method "fleiss", on the items judged by the modal number of raters,
since it needs a constant count) and Krippendorff's alpha at the nominal level (handles any
missing pattern). Human vs AI is a binomial mixed model with crossed rater and item effects
(``benchmark.analysis.glmm``) reported as an odds ratio, next to the difference of pass
rates with a cluster-bootstrap CI and a permutation test of item pass rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from benchmark.analysis.effects import permutation_p
from benchmark.analysis.glmm import fit_binomial_crossed, separation


def wilson(k: float, n: float, ci: float = 0.95) -> tuple[float, float]:
    if n <= 0:
        return (np.nan, np.nan)
    lo, hi = proportion_confint(int(round(k)), int(round(n)), alpha=1 - ci, method="wilson")
    return float(lo), float(hi)


def item_bootstrap(values: pd.Series, items: pd.Series, *, n_boot: int = 1000, seed: int = 0,
                   ci: float = 0.95) -> tuple[float, float]:
    """Percentile CI of a mean (a pass rate) resampling items with all their judgments."""
    g = pd.DataFrame({"v": values.to_numpy(float), "i": items.to_numpy()}).groupby("i")["v"].agg(["sum", "count"])
    if len(g) < 2 or n_boot <= 0:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(g), np.full(len(g), 1 / len(g)), size=n_boot)
    rates = (draws @ g["sum"].to_numpy()) / (draws @ g["count"].to_numpy())
    a = (1 - ci) / 2
    lo, hi = np.quantile(rates, [a, 1 - a])
    return float(lo), float(hi)


def pass_rates(d: pd.DataFrame, by: list[str], *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Per group: judgments, items, raters, passes, pass rate, Wilson and item-bootstrap CIs."""
    rows = []
    for key, g in d.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        k, n = float(g["value"].sum()), len(g)
        lo, hi = wilson(k, n)
        blo, bhi = item_bootstrap(g["value"], g["item_id"], n_boot=n_boot, seed=seed)
        rows.append({**dict(zip(by, key)), "n_judgments": n, "n_items": g["item_id"].nunique(),
                     "n_raters": g["rater_id"].nunique(), "passed": int(k), "pass_rate": k / n,
                     "wilson_low": lo, "wilson_high": hi, "boot_low": blo, "boot_high": bhi})
    return pd.DataFrame(rows)


def fleiss(d: pd.DataFrame) -> dict:
    """Fleiss' kappa (any number of categories) over the items judged by the modal
    number m >= 2 of raters."""
    from statsmodels.stats.inter_rater import fleiss_kappa

    table = pd.crosstab(d["item_id"], d["value"])
    size = table.sum(axis=1)
    multi = table[size >= 2]
    if multi.empty:
        return {"kappa": np.nan, "n_items": 0, "raters_per_item": 0, "note": "no item was judged twice"}
    m = int(size[size >= 2].mode().iloc[0])
    use = multi[multi.sum(axis=1) == m]
    out = {"kappa": np.nan, "n_items": int(len(use)), "raters_per_item": m, "note": None}
    if len(use) < len(table):
        out["note"] = (f"Fleiss' kappa uses the {len(use)} of {len(table)} items judged by exactly {m} raters "
                       "(it needs a constant number of judgments per item)")
    if (use.sum(axis=0) > 0).sum() < 2:
        out["note"] = "every judgment is the same: kappa is undefined"
        return out
    out["kappa"] = float(fleiss_kappa(use.to_numpy(), method="fleiss"))
    return out


def binary_reliability(d: pd.DataFrame, dimension: str) -> dict:
    """Agreement on one yes/no dimension (``d`` = its judgments, checks removed)."""
    from benchmark.analysis.reliability import krippendorff_alpha

    wide = d.pivot_table(index="rater_id", columns="item_id", values="value", aggfunc="first")
    per_item = d.groupby("item_id").size()
    counts = d.groupby("item_id")["value"].agg(["size", "sum"])
    multi = counts[counts["size"] >= 2]
    # observed agreement: share of agreeing rater pairs per item, averaged over items
    pairs = multi["size"] * (multi["size"] - 1)
    agree = (multi["sum"] * (multi["sum"] - 1) + (multi["size"] - multi["sum"]) * (multi["size"] - multi["sum"] - 1))
    fk = fleiss(d)
    notes = [fk["note"]] if fk.get("note") else []
    alpha = krippendorff_alpha(wide.to_numpy(float), "nominal", value_domain=[0.0, 1.0]) if wide.shape[0] >= 2 else np.nan
    if wide.shape[0] < 2 or multi.empty:
        notes.append("no item was judged by two raters: agreement cannot be estimated")
    return {"dimension": dimension, "scale": "binary", "n_items": int(len(per_item)), "n_raters": int(wide.shape[0]),
            "ratings_per_item": float(per_item.mean()) if len(per_item) else 0.0,
            "percent_agreement": float((agree / pairs).mean()) if len(multi) else np.nan,
            "fleiss_kappa": fk["kappa"], "fleiss_items": fk["n_items"], "fleiss_raters_per_item": fk["raters_per_item"],
            "krippendorff_alpha": alpha, "alpha_level": "nominal", "pass_rate": float(d["value"].mean()),
            "notes": notes}


def binary_contrast(cd: pd.DataFrame, *, n_boot: int = 1000, n_perm: int = 9999, seed: int = 0) -> tuple[dict, list[str]]:
    """One human-vs-AI row for a yes/no dimension (``cd`` has ``group`` human|ai)."""
    cd = cd.assign(is_ai=(cd["group"] == "ai").astype(int))
    h, a = cd[cd["group"] == "human"], cd[cd["group"] == "ai"]
    notes: list[str] = []
    sep = separation(cd)
    if sep:
        notes.append(sep)
        term, method = {}, "none (separation)"
    else:
        fit = fit_binomial_crossed(cd, "is_ai")
        term, method = fit.term("is_ai"), fit.method
        notes += fit.warnings
    rng = np.random.default_rng(seed)
    diffs = []
    gh = h.groupby("item_id")["value"].agg(["sum", "count"])
    ga = a.groupby("item_id")["value"].agg(["sum", "count"])
    if len(gh) >= 2 and len(ga) >= 2 and n_boot > 0:
        dh = rng.multinomial(len(gh), np.full(len(gh), 1 / len(gh)), size=n_boot)
        da = rng.multinomial(len(ga), np.full(len(ga), 1 / len(ga)), size=n_boot)
        diffs = (da @ ga["sum"].to_numpy()) / (da @ ga["count"].to_numpy()) - (dh @ gh["sum"].to_numpy()) / (dh @ gh["count"].to_numpy())
    lo, hi = (np.quantile(diffs, [0.025, 0.975]) if len(diffs) else (np.nan, np.nan))
    wl_h, wh_h = wilson(h["value"].sum(), len(h))
    wl_a, wh_a = wilson(a["value"].sum(), len(a))
    row = {
        "scale": "binary", "n_ratings": len(cd), "n_ratings_human": len(h), "n_ratings_ai": len(a),
        "n_items_human": int(len(gh)), "n_items_ai": int(len(ga)), "n_raters": int(cd["rater_id"].nunique()),
        "mean_human": float(h["value"].mean()), "mean_ai": float(a["value"].mean()),
        "human_wilson_low": wl_h, "human_wilson_high": wh_h, "ai_wilson_low": wl_a, "ai_wilson_high": wh_a,
        "rate_diff": float(a["value"].mean() - h["value"].mean()), "rate_diff_ci_low": float(lo), "rate_diff_ci_high": float(hi),
        "estimate": term.get("estimate", np.nan), "ci_low": term.get("ci_low", np.nan), "ci_high": term.get("ci_high", np.nan),
        "p_model": term.get("p", np.nan), "odds_ratio": term.get("odds_ratio", np.nan),
        "or_ci_low": term.get("or_ci_low", np.nan), "or_ci_high": term.get("or_ci_high", np.nan), "model": method,
        "p_perm": permutation_p(cd, "group", "human", "ai", n_resamples=n_perm, seed=seed),
    }
    return row, notes
