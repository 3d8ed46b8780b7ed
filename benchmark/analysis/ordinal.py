"""Cumulative-link (proportional-odds) model for ordinal ratings, human vs AI.

Why: 1-5 points are ordered categories, not distances, so a linear model on them assumes
equal steps between the points. The proportional-odds model does not: it estimates the
log-odds of a higher rating for AI answers than for people's. No well-kept Python library
fits a *mixed* cumulative-link model (R's ``ordinal::clmm`` has no Python counterpart;
statsmodels ``OrderedModel`` has fixed effects only), so the model is fitted with fixed
effects and standard errors clustered by item (the same answer rated by several raters),
and the report says so. The linear mixed model on the same points stays beside it (the
published analyses treat the points as interval), so readers see both.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

METHOD = "proportional-odds logit (statsmodels OrderedModel), fixed effects, SEs clustered by item"


def fit_cumulative_logit(cd: pd.DataFrame, *, ci: float = 0.95) -> dict:
    """``value`` (ordered) ~ is_ai; returns the log-odds ratio of a higher rating for AI,
    its odds ratio, Wald CI, p (cluster-robust by item) and the method, or a note."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = np.sort(cd["value"].unique())
    if len(levels) < 2 or cd["is_ai"].nunique() < 2:
        return {"clm_method": "not fitted", "clm_note": "needs two rating levels and both groups"}
    y = pd.Series(pd.Categorical(cd["value"], categories=levels, ordered=True), index=cd.index)
    groups = pd.factorize(cd["item_id"])[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = OrderedModel(y, cd[["is_ai"]].astype(float), distr="logit").fit(
                method="bfgs", disp=False, maxiter=500, cov_type="cluster", cov_kwds={"groups": groups})
    except (np.linalg.LinAlgError, ValueError) as exc:
        return {"clm_method": "not fitted", "clm_note": f"{type(exc).__name__}: {exc}"}
    b, se = float(res.params["is_ai"]), float(res.bse["is_ai"])
    if not (np.isfinite(b) and np.isfinite(se)):
        return {"clm_method": "not fitted", "clm_note": "the fit did not converge"}
    z = float(stats.norm.ppf(1 - (1 - ci) / 2))
    return {"clm_log_or": b, "clm_se": se, "clm_ci_low": b - z * se, "clm_ci_high": b + z * se,
            "clm_or": float(np.exp(b)), "clm_or_ci_low": float(np.exp(b - z * se)),
            "clm_or_ci_high": float(np.exp(b + z * se)), "clm_p": float(2 * stats.norm.sf(abs(b / se))),
            "clm_method": METHOD, "clm_converged": bool(res.mle_retvals.get("converged", True))}
