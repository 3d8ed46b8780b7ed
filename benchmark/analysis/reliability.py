"""Did the raters agree? ICCs, Krippendorff's alpha, Cronbach's alpha, per-rater checks.

Why each piece: the six Shrout & Fleiss ICCs (pingouin) are the standard where every
rater rated every item; real studies give each item k of many raters, where the ICC comes
from the variance components of the crossed random-effects model (``mixed.fit_crossed``);
Krippendorff's alpha handles missing cells and the scale level (ordinal for Likert,
nominal for guesses; the level is always passed because the library defaults to
interval); Cronbach's alpha is what many papers report. Per rater, agreement with the
leave-one-out consensus, failed attention checks and speed support the exclusion rules,
which are explicit options and always reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


_SF_NAMES = {"ICC(1,1)": "ICC(1,1)", "ICC(A,1)": "ICC(2,1)", "ICC(C,1)": "ICC(3,1)",
             "ICC(1,k)": "ICC(1,k)", "ICC(A,k)": "ICC(2,k)", "ICC(C,k)": "ICC(3,k)",
             "ICC1": "ICC(1,1)", "ICC2": "ICC(2,1)", "ICC3": "ICC(3,1)",
             "ICC1k": "ICC(1,k)", "ICC2k": "ICC(2,k)", "ICC3k": "ICC(3,k)"}
_SF_DESCRIPTION = {
    "ICC(1,1)": "one-way random, single rater", "ICC(2,1)": "two-way random, absolute agreement, single rater",
    "ICC(3,1)": "two-way mixed, consistency, single rater", "ICC(1,k)": "one-way random, mean of k raters",
    "ICC(2,k)": "two-way random, absolute agreement, mean of k raters",
    "ICC(3,k)": "two-way mixed, consistency, mean of k raters",
}


def shrout_fleiss_icc(wide: pd.DataFrame) -> pd.DataFrame:
    """All six Shrout & Fleiss ICC forms with 95% CIs (pingouin) for a complete
    items x raters table."""
    import pingouin as pg

    long = wide.reset_index(names="item").melt(id_vars="item", var_name="rater", value_name="rating")
    res = pg.intraclass_corr(data=long, targets="item", raters="rater", ratings="rating", nan_policy="raise")
    ci_col = "CI95%" if "CI95%" in res.columns else "CI95"
    # pingouin >= 0.6 labels the forms McGraw & Wong style (A = agreement, C = consistency)
    forms = [_SF_NAMES.get(t, t) for t in res["Type"]]
    out = pd.DataFrame({
        "form": forms,
        "description": [_SF_DESCRIPTION.get(f, "") for f in forms],
        "icc": res["ICC"].astype(float).values,
        "ci_low": [float(c[0]) for c in res[ci_col]],
        "ci_high": [float(c[1]) for c in res[ci_col]],
        "F": res["F"].astype(float).values,
        "p": res["pval"].astype(float).values,
    })
    return out


def krippendorff_alpha(reliability_data: np.ndarray, level: str, value_domain=None) -> float:
    """Krippendorff's alpha for a raters x units array (NaN = missing); ``level`` is
    passed explicitly (nominal, ordinal, interval, ratio)."""
    import krippendorff

    data = np.asarray(reliability_data, float)
    if not ((~np.isnan(data)).sum(axis=0) >= 2).any():  # no unit rated twice: nothing to agree on
        return float("nan")
    if value_domain is None:
        value_domain = np.unique(data[~np.isnan(data)])
    if len(value_domain) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=value_domain))


def cronbach(wide: pd.DataFrame) -> tuple[float, list[float]]:
    """Cronbach's alpha treating raters as 'items' (pingouin, listwise complete)."""
    import pingouin as pg

    a, ci = pg.cronbach_alpha(data=wide, nan_policy="listwise", ci=0.95)
    return float(a), [float(ci[0]), float(ci[1])]


def _wide(d: pd.DataFrame) -> pd.DataFrame:
    return d.pivot_table(index="item_id", columns="rater_id", values="value", aggfunc="mean")


def complete_block(wide: pd.DataFrame) -> pd.DataFrame:
    """The largest simple complete sub-design: the raters who rated most items, then
    the items all of them rated (greedy: drop the sparsest rater while it grows the block)."""
    w = wide.copy()
    best = w.dropna()
    while w.shape[1] > 2:
        sparsest = w.notna().sum().idxmin()
        cand = w.drop(columns=sparsest)
        if len(cand.dropna()) * cand.shape[1] > len(best) * best.shape[1]:
            best = cand.dropna()
        w = cand
    return best


def loo_agreement(d: pd.DataFrame) -> pd.DataFrame:
    """Per rater and dimension: Pearson r between the rater's ratings and the mean of
    the *other* raters on the same items (leave-one-out consensus)."""
    rows = []
    for dim, dd in d.groupby("dimension"):
        g = dd.groupby(["item_id", "rater_id"], as_index=False)["value"].mean()
        tot = g.groupby("item_id")["value"].agg(["sum", "count"])
        g = g.join(tot, on="item_id")
        g = g[g["count"] > 1]
        g["others"] = (g["sum"] - g["value"]) / (g["count"] - 1)
        for rater, gr in g.groupby("rater_id"):
            r = gr["value"].corr(gr["others"]) if len(gr) >= 3 else np.nan
            rows.append({"rater_id": rater, "dimension": dim, "loo_r": r, "n_shared": len(gr)})
    return pd.DataFrame(rows, columns=["rater_id", "dimension", "loo_r", "n_shared"])


def rater_table(likert: pd.DataFrame) -> pd.DataFrame:
    """One row per rater: ratings, LOO agreement (Fisher-z mean over dimensions),
    attention checks taken/failed, median seconds per item."""
    real = likert[~likert["is_check"]] if "is_check" in likert.columns else likert
    everyone = pd.Index(sorted(likert["rater_id"].unique()), name="rater_id")  # also raters with checks only
    out = real.groupby("rater_id").agg(n_ratings=("value", "size"), n_items=("item_id", "nunique")).reindex(everyone)
    out[["n_ratings", "n_items"]] = out[["n_ratings", "n_items"]].fillna(0).astype(int)
    loo = loo_agreement(real)
    if len(loo):
        z = loo.assign(z=np.arctanh(loo["loo_r"].clip(-0.999999, 0.999999))).groupby("rater_id")["z"].mean()
        out["loo_r"] = np.tanh(z).reindex(out.index)
    else:
        out["loo_r"] = np.nan
    if "is_check" in likert.columns:
        # a check is one item with a row per dimension: count items, not rows (2 failed
        # checks on 4 scales are 2 failures, not 8)
        checks = likert[likert["is_check"]]
        out["n_checks"] = checks.groupby("rater_id")["item_id"].nunique().reindex(out.index).fillna(0).astype(int)
        failed = checks[checks.get("check_passed", pd.Series(True, index=checks.index)).eq(False)]
        out["failed_checks"] = failed.groupby("rater_id")["item_id"].nunique().reindex(out.index).fillna(0).astype(int)
    else:
        out["n_checks"] = 0
        out["failed_checks"] = 0
    if "rt_s" in likert.columns:
        out["median_rt_s"] = real.groupby("rater_id")["rt_s"].median().reindex(out.index)
    else:
        out["median_rt_s"] = np.nan
    return out.reset_index()


@dataclass
class ExclusionRules:
    """Explicit rater exclusion rules (None = rule off)."""

    max_failed_checks: int | None = None  # exclude raters who failed at least this many checks
    min_median_rt_s: float | None = None  # exclude raters faster than this (median s per item)
    min_loo_r: float | None = None  # exclude raters whose LOO agreement is below this
    keep_screened: bool = False  # keep the ratings the study marked usable = False

    def to_dict(self) -> dict:
        return {"exclude_failed_checks": self.max_failed_checks, "min_rt_s": self.min_median_rt_s,
                "min_loo_r": self.min_loo_r, "keep_screened": self.keep_screened}


def apply_exclusions(likert: pd.DataFrame, rules: ExclusionRules) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Returns (ratings kept without attention-check rows, rater table, excluded raters
    with the reason). Ratings the study marked ``usable = False`` (raters screened out by
    its attention checks) are dropped first unless ``rules.keep_screened``."""
    raters = rater_table(likert)
    reasons: dict[str, list[str]] = {}
    screened: set = set()
    if "usable" in likert.columns and not rules.keep_screened:
        screened = set(likert.loc[~likert["usable"].astype(bool), "rater_id"])
    for _, r in raters.iterrows():
        why = ["screened out by attention checks"] if r["rater_id"] in screened else []
        if rules.max_failed_checks is not None and r["failed_checks"] >= rules.max_failed_checks:
            why.append(f"failed {int(r['failed_checks'])} attention check(s) (limit {rules.max_failed_checks})")
        if rules.min_median_rt_s is not None and pd.notna(r["median_rt_s"]) and r["median_rt_s"] < rules.min_median_rt_s:
            why.append(f"median {r['median_rt_s']:.1f} s per item (< {rules.min_median_rt_s:g} s)")
        if rules.min_loo_r is not None and pd.notna(r["loo_r"]) and r["loo_r"] < rules.min_loo_r:
            why.append(f"agreement with the others r = {r['loo_r']:.2f} (< {rules.min_loo_r:g})")
        if why:
            reasons[r["rater_id"]] = why
    excluded = pd.DataFrame([{"rater_id": k, "reason": "; ".join(v)} for k, v in reasons.items()],
                            columns=["rater_id", "reason"])
    kept = likert[~likert["rater_id"].isin(reasons)]
    if "is_check" in kept.columns:
        kept = kept[~kept["is_check"]]
    raters["excluded"] = raters["rater_id"].isin(reasons)
    if "rater_stage" in likert.columns:
        stage = likert.groupby("rater_id")["rater_stage"].last()
        raters["stage"] = raters["rater_id"].map(stage)
    return kept.reset_index(drop=True), raters, excluded


@dataclass
class DimensionReliability:
    dimension: str
    n_items: int
    n_raters: int
    ratings_per_item: float
    complete_items: int
    complete_raters: int
    icc: pd.DataFrame | None
    icc_components: dict | None
    krippendorff_ordinal: float | None
    cronbach_alpha: float | None
    cronbach_ci: list[float] | None
    pairwise_r: float | None
    notes: list[str] = field(default_factory=list)
    scale: str = "ordinal"
    krippendorff_alpha: float | None = None
    alpha_level: str = "ordinal"

    def to_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "icc"}
        d["icc"] = None if self.icc is None else self.icc.to_dict(orient="records")
        return d


def dimension_reliability(d: pd.DataFrame, dimension: str, scale: str = "ordinal") -> DimensionReliability:
    """Reliability of one rating dimension (``d`` = its likert rows, checks removed).

    ``scale`` (ordinal | interval | continuous) sets Krippendorff's level: ordinal for
    ordinal points, interval otherwise. Yes/no dimensions go to ``binary.binary_reliability``.
    """
    from benchmark.analysis.mixed import fit_crossed, icc_from_components

    wide = _wide(d)
    per_item = wide.notna().sum(axis=1)
    notes: list[str] = []
    block = complete_block(wide) if wide.shape[1] >= 2 else wide.iloc[0:0]
    icc = None
    alpha = ci = None
    pair_r = None
    if block.shape[1] >= 2 and len(block) >= 3:
        if block.shape[1] < wide.shape[1] or len(block) < len(wide):
            notes.append(f"Shrout & Fleiss ICCs and Cronbach's alpha use the complete block of "
                         f"{len(block)} items rated by all of {block.shape[1]} raters")
        icc = shrout_fleiss_icc(block)
        alpha, ci = cronbach(block)
        if block.shape[1] == 2:
            pair_r = float(block.iloc[:, 0].corr(block.iloc[:, 1]))
    else:
        notes.append("no complete block of >= 3 items and >= 2 raters: Shrout & Fleiss ICCs not computed")
    comp = None
    if wide.shape[1] >= 2 and len(wide) >= 3 and (per_item >= 2).any():
        fit = fit_crossed(d, "1")
        if "fallback" not in fit.method:
            k = float(len(per_item) / (1.0 / per_item).sum())  # harmonic mean of ratings per item
            comp = icc_from_components(fit.variances, k)
            comp["variances"] = fit.variances
            comp["method"] = f"value ~ 1 + (1|rater) + (1|item), {fit.method}"
        notes += fit.warnings
    elif wide.shape[1] >= 2:
        notes.append("no item was rated by two raters: agreement cannot be estimated")
    level = "ordinal" if scale == "ordinal" else "interval"
    kalpha = krippendorff_alpha(wide.T.to_numpy(), level) if wide.shape[1] >= 2 else float("nan")
    return DimensionReliability(
        dimension=dimension, n_items=len(wide), n_raters=wide.shape[1],
        ratings_per_item=float(per_item.mean()) if len(per_item) else 0.0,
        complete_items=len(block), complete_raters=block.shape[1], icc=icc, icc_components=comp,
        krippendorff_ordinal=kalpha if level == "ordinal" else None, cronbach_alpha=alpha, cronbach_ci=ci,
        pairwise_r=pair_r, notes=notes, scale=scale, krippendorff_alpha=kalpha, alpha_level=level,
    )


def guesses_alpha(guesses: pd.DataFrame) -> float:
    """Krippendorff's alpha (nominal) of turing guesses: do raters agree on which
    responses look human?"""
    g = guesses.assign(v=(guesses["guess"] == "human").astype(float))
    wide = g.pivot_table(index="rater_id", columns="item_id", values="v", aggfunc="first")
    if wide.shape[0] < 2:
        return float("nan")
    return krippendorff_alpha(wide.to_numpy(), "nominal", value_domain=[0.0, 1.0])
