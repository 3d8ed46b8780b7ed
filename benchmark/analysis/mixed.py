"""Linear mixed model with crossed random intercepts for rater and item.

Why: a human-AI difference must be larger than the noise of *who* rated and *what* was
rated. Raters and items are crossed (each rater sees many items, each item has several
raters), so the model is ``value ~ fixed + (1|rater) + (1|item)``. statsmodels fits
crossed effects as variance components inside one all-encompassing group
(``MixedLM.from_formula(..., groups=<one group>, re_formula="0", vc_formula={rater, item},
use_sparse=True)``, REML). When the fit fails or does not converge the module says so in
plain words and falls back to OLS with cluster-robust standard errors by item, labelled
as such in every output.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats


@dataclass
class MixedFit:
    """Fixed effects (term, estimate, se, ci_low, ci_high, p) and variance components."""

    method: str  # "mixedlm-reml" or "ols-cluster-item (fallback)"
    converged: bool
    fixed: pd.DataFrame
    variances: dict[str, float]
    variance_ci: dict[str, list[float]] = field(default_factory=dict)
    n: int = 0
    n_items: int = 0
    n_raters: int = 0
    warnings: list[str] = field(default_factory=list)

    def term(self, name: str) -> dict:
        row = self.fixed[self.fixed["term"] == name]
        return row.iloc[0].to_dict() if len(row) else {}

    def to_dict(self) -> dict:
        return {
            "method": self.method, "converged": self.converged, "n": self.n,
            "n_items": self.n_items, "n_raters": self.n_raters,
            "fixed": self.fixed.to_dict(orient="records"),
            "variances": self.variances, "variance_ci": self.variance_ci,
            "warnings": self.warnings,
        }


def _ols_fallback(formula: str, df: pd.DataFrame, reason: str) -> MixedFit:
    import statsmodels.formula.api as smf

    codes = pd.factorize(df["item_id"])[0]
    with warnings.catch_warnings():  # rank deficiency is reported through the fallback message
        warnings.simplefilter("ignore")
        res = smf.ols(formula, data=df).fit(cov_type="cluster", cov_kwds={"groups": codes})
    ci = res.conf_int()
    fixed = pd.DataFrame({
        "term": res.params.index, "estimate": res.params.values, "se": res.bse.values,
        "ci_low": ci[0].values, "ci_high": ci[1].values, "p": res.pvalues.values,
    })
    msg = (f"The mixed model could not be fitted reliably ({reason}); the estimates below come "
           "from ordinary least squares with standard errors clustered by item, which accounts "
           "for repeated ratings of the same response but not for rater differences.")
    return MixedFit("ols-cluster-item (fallback)", False, fixed, {"residual": float(res.scale)},
                    n=len(df), n_items=df["item_id"].nunique(), n_raters=df["rater_id"].nunique(),
                    warnings=[msg])


def _components(d: pd.DataFrame) -> list[tuple[str, np.ndarray, int]]:
    comps = [("item", *_codes(d["item_id"]))]
    if d["rater_id"].nunique() >= 2:
        comps.append(("rater", *_codes(d["rater_id"])))
    return comps


def _codes(s: pd.Series) -> tuple[np.ndarray, int]:
    codes, uniq = pd.factorize(s)
    return codes, len(uniq)


class _CrossedREML:
    """Profiled REML deviance of ``y = X b + Z u + e`` with independent variance
    components, in the formulation of lme4 (Bates et al. 2015, JSS 67(1), eqs. 14-42):
    relative covariance factor Lambda = diag(theta), sparse LU of Lambda'Z'Z Lambda + I.
    Sparse matrices keep 20,000 ratings x thousands of items cheap."""

    def __init__(self, y: np.ndarray, X: np.ndarray, comps: list[tuple[str, np.ndarray, int]]):
        from scipy import sparse

        self.y, self.X = y, X
        self.n, self.p = X.shape
        blocks, self.sizes = [], []
        for _, codes, k in comps:
            blocks.append(sparse.csr_matrix((np.ones(self.n), (np.arange(self.n), codes)), shape=(self.n, k)))
            self.sizes.append(k)
        self.Z = sparse.hstack(blocks).tocsc()
        self.q = self.Z.shape[1]
        self.XtX, self.Xty = X.T @ X, X.T @ y

    def solve(self, theta: np.ndarray) -> dict:
        from scipy import sparse
        from scipy.sparse.linalg import splu

        lam = np.repeat(np.asarray(theta, float), self.sizes)
        ZL = self.Z @ sparse.diags(lam)
        A = (ZL.T @ ZL + sparse.identity(self.q)).tocsc()
        # the largest component (items) first and natural ordering: eliminating the item
        # block leaves fill only in the small rater block; diagonal pivots (A is SPD)
        lu = splu(A, permc_spec="NATURAL", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
        C = np.asarray((ZL.T @ self.X))
        cu = ZL.T @ self.y
        AiC, Aicu = lu.solve(C), lu.solve(cu)
        S = self.XtX - C.T @ AiC
        b = np.linalg.solve(S, self.Xty - C.T @ Aicu)
        u = Aicu - AiC @ b
        resid = self.y - self.X @ b - ZL @ u
        r2 = float(resid @ resid + u @ u)
        logdet_a = float(np.sum(np.log(np.abs(lu.U.diagonal()))))
        logdet_s = float(np.linalg.slogdet(S)[1])
        return {"b": b, "S": S, "r2": r2, "logdet": logdet_a + logdet_s}

    def profiled(self, theta: np.ndarray) -> float:
        s = self.solve(theta)
        m = self.n - self.p
        return s["logdet"] + m * (1 + np.log(2 * np.pi * s["r2"] / m))

    def full(self, variances: np.ndarray) -> float:
        """REML deviance at (component variances..., residual variance)."""
        sigma2 = variances[-1]
        theta = np.sqrt(np.clip(variances[:-1], 0, None) / sigma2)
        s = self.solve(theta)
        return s["logdet"] + (self.n - self.p) * np.log(2 * np.pi * sigma2) + s["r2"] / sigma2


def _hessian(f, x: np.ndarray) -> np.ndarray:
    """Central-difference Hessian (one-sided away from a zero variance)."""
    k = len(x)
    h = np.maximum(np.abs(x) * 1e-3, 1e-5)
    H = np.zeros((k, k))
    f0 = f(x)
    for i in range(k):
        for j in range(i, k):
            if i == j:
                e = np.zeros(k)
                e[i] = h[i]
                if x[i] - h[i] < 0:
                    H[i, i] = (f(x + 2 * e) - 2 * f(x + e) + f0) / h[i] ** 2
                else:
                    H[i, i] = (f(x + e) - 2 * f0 + f(x - e)) / h[i] ** 2
            else:
                ei, ej = np.zeros(k), np.zeros(k)
                ei[i], ej[j] = h[i], h[j]
                H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei) - f(x + ej) + f0) / (h[i] * h[j])
    return H


def fit_crossed(df: pd.DataFrame, fixed: str = "1", *, ci: float = 0.95, engine: str = "sparse") -> MixedFit:
    """Fit ``value ~ fixed`` with crossed random intercepts for rater_id and item_id (REML).

    ``engine="sparse"`` (default) minimises the profiled REML deviance (lme4's
    formulation, sparse LU from scipy, L-BFGS-B over the relative SDs); it gives the same
    estimates as ``engine="statsmodels"`` (``MixedLM`` with variance components in one
    group), which is kept as a cross-check but is slow beyond a few thousand items.
    Wald CIs: fixed effects from sigma^2 (X'V^-1 X)^-1; variance components from the
    numerical Hessian of the REML deviance (lower bounds clipped at 0).
    """
    import statsmodels.formula.api as smf

    d = df.copy()
    d["rater_id"] = d["rater_id"].astype(str)
    d["item_id"] = d["item_id"].astype(str)
    formula = f"value ~ {fixed}"
    n_items, n_raters = d["item_id"].nunique(), d["rater_id"].nunique()
    if n_items < 3:
        return _ols_fallback(formula, d, "fewer than 3 items")
    if d["value"].nunique() < 2:
        return _ols_fallback(formula, d, "all ratings are equal, so there is no variance to split")
    if engine == "statsmodels":
        return _fit_statsmodels(d, formula, ci)
    from scipy.optimize import minimize

    ols = smf.ols(formula, data=d)
    X, y = np.asarray(ols.exog, float), np.asarray(ols.endog, float)
    names = list(ols.exog_names)
    comps = _components(d)
    model = _CrossedREML(y, X, comps)
    try:
        opt = minimize(lambda t: model.profiled(t), x0=np.ones(len(comps)), method="L-BFGS-B",
                       bounds=[(0.0, None)] * len(comps), options={"maxiter": 500})
    except (np.linalg.LinAlgError, RuntimeError, ValueError) as exc:
        return _ols_fallback(formula, d, f"{type(exc).__name__}: {exc}")
    if not opt.success or not np.all(np.isfinite(opt.x)):
        return _ols_fallback(formula, d, f"the REML optimiser stopped: {opt.message}")
    theta = opt.x
    sol = model.solve(theta)
    sigma2 = sol["r2"] / (model.n - model.p)
    cov_b = sigma2 * np.linalg.inv(sol["S"])
    se = np.sqrt(np.diag(cov_b))
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    b = sol["b"]
    fixed_df = pd.DataFrame({"term": names, "estimate": b, "se": se, "ci_low": b - z * se,
                             "ci_high": b + z * se, "p": 2 * stats.norm.sf(np.abs(b / se))})
    comp_names = [c[0] for c in comps]
    v = np.append(sigma2 * theta**2, sigma2)
    variances = {n: float(x) for n, x in zip(comp_names + ["residual"], v)}
    notes: list[str] = []
    variance_ci: dict[str, list[float]] = {}
    for n_, t in zip(comp_names, theta):
        if t < 1e-4:
            notes.append(f"the {n_} variance is estimated at zero: {n_} differences are negligible here")
    try:
        H = _hessian(model.full, v) / 2.0  # observed information of the REML log-likelihood
        cov_v = np.linalg.inv(H)
        with np.errstate(invalid="ignore"):  # a negative diagonal (flat likelihood) -> no CI
            se_v = np.sqrt(np.diag(cov_v))
        for n_, x, s in zip(comp_names + ["residual"], v, se_v):
            if np.isfinite(s):
                variance_ci[n_] = [max(0.0, float(x - z * s)), float(x + z * s)]
    except np.linalg.LinAlgError:
        notes.append("the REML information matrix is singular: no CIs for the variance components")
    return MixedFit("crossed-reml (sparse, lme4 formulation)", True, fixed_df, variances, variance_ci,
                    n=len(d), n_items=n_items, n_raters=n_raters, warnings=notes)


def _fit_statsmodels(d: pd.DataFrame, formula: str, ci: float) -> MixedFit:
    """statsmodels MixedLM: crossed effects as variance components of one group."""
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    d = d.assign(_all=1)
    vcf = {"item": "0 + C(item_id)"}
    if d["rater_id"].nunique() >= 2:
        vcf["rater"] = "0 + C(rater_id)"
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = smf.mixedlm(formula, d, groups="_all", re_formula="0", vc_formula=vcf, use_sparse=True)
            res = model.fit(reml=True, method=["lbfgs", "powell"])
        conv = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError) as exc:
        return _ols_fallback(formula, d, f"{type(exc).__name__}: {exc}")
    hard = [w for w in conv if "boundary" not in w.lower() and "hessian" not in w.lower()]
    if not getattr(res, "converged", True) or hard:
        return _ols_fallback(formula, d, hard[0] if hard else "the optimiser did not converge")
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    k = len(res.fe_params)
    se = np.asarray(res.bse)[:k]
    b = res.fe_params.values
    fixed_df = pd.DataFrame({"term": list(res.fe_params.index), "estimate": b, "se": se,
                             "ci_low": b - z * se, "ci_high": b + z * se, "p": 2 * stats.norm.sf(np.abs(b / se))})
    names = list(model.exog_vc.names)
    variances = {n: float(v) for n, v in zip(names, res.vcomp)}
    variances["residual"] = float(res.scale)
    # statsmodels parametrises variance components relative to the residual variance
    vc_se = np.asarray(res.bse)[-len(names):] * float(res.scale)
    variance_ci = {n: [max(0.0, float(v - z * s)), float(v + z * s)] for n, v, s in zip(names, res.vcomp, vc_se)}
    return MixedFit("statsmodels-mixedlm-reml", True, fixed_df, variances, variance_ci, n=len(d),
                    n_items=d["item_id"].nunique(), n_raters=d["rater_id"].nunique(),
                    warnings=[w for w in conv if w not in hard])


def icc_from_components(variances: dict[str, float], k: float) -> dict[str, float]:
    """ICCs from the variance components of the crossed model (for incomplete designs).

    Agreement (absolute) counts rater leniency as error, consistency does not; the
    ``k`` forms are the reliability of the mean of k ratings per item.
    """
    vi = variances.get("item", np.nan)
    vr = variances.get("rater", 0.0)
    ve = variances.get("residual", np.nan)
    return {
        "ICC_agreement_1": vi / (vi + vr + ve),
        "ICC_consistency_1": vi / (vi + ve),
        "ICC_agreement_k": vi / (vi + (vr + ve) / k),
        "ICC_consistency_k": vi / (vi + ve / k),
        "k": float(k),
    }
