"""Style-controlled Bradley-Terry: ratings with answer length (and line count) held fixed.

Why: raters and LLM judges alike prefer longer answers, so a model can climb a pairwise
board by writing more rather than better. Chatbot Arena's style-controlled board adds
style covariates to the Bradley-Terry logit, ``logit P(left wins) = beta_left - beta_right
+ gamma' z``, where each covariate is the normalised difference of the two answers,
``(left - right) / (left + right)``, standardised over battles (Chiang et al. 2024, "Does
style matter?" blog, LMSYS). The covariates here are the answer's length in words and its
number of non-empty lines (the idea count of a list answer). Ties are half a win for each
side, as in the raw fit. CIs: percentile bootstrap over battles, the rounds fitted jointly
by one L-BFGS run warm-started at the full-data fit (as in ``pairwise``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from benchmark.analysis.pairwise import ANCHOR, ELO_SCALE, POOLED_HUMAN
from benchmark.records import is_human_source

COVARIATES = ("length (words)", "lines")


def _features(b: pd.DataFrame) -> pd.DataFrame | None:
    """Per battle, the answer measures of each side, from texts or given lengths."""
    if {"left_text", "right_text"} <= set(b.columns):
        out = {}
        for side in ("left", "right"):
            t = b[f"{side}_text"].fillna("").astype(str)
            out[f"{side}_length (words)"] = t.str.split().str.len().astype(float)
            out[f"{side}_lines"] = t.map(lambda s: sum(1 for ln in s.splitlines() if ln.strip())).astype(float)
        return pd.DataFrame(out, index=b.index)
    if {"left_length", "right_length"} <= set(b.columns):
        out = {"left_length (words)": b["left_length"].astype(float),
               "right_length (words)": b["right_length"].astype(float)}
        if {"left_lines", "right_lines"} <= set(b.columns):  # as a study export carries them
            out.update({"left_lines": b["left_lines"].astype(float), "right_lines": b["right_lines"].astype(float)})
        return pd.DataFrame(out, index=b.index)
    return None


def _fit(X: np.ndarray, y: np.ndarray, W: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """Rows of ``W`` are independent rounds of weights over the battles; jointly minimised."""
    B, P = W.shape[0], X.shape[1]
    Wn = W / W.sum(axis=1, keepdims=True)

    def f(theta: np.ndarray) -> tuple[float, np.ndarray]:
        d = theta.reshape(B, P) @ X.T
        ll = Wn * (y * log_expit(d) + (1 - y) * log_expit(-d))
        g = (Wn * (y - expit(d))) @ X
        return -ll.sum(), -g.ravel()

    res = minimize(f, np.tile(x0, B), jac=True, method="L-BFGS-B", options={"gtol": 1e-9, "ftol": 1e-15, "maxiter": 3000})
    return res.x.reshape(B, P)


def style_controlled(battles: pd.DataFrame, *, both_bad: str = "tie", n_bootstrap: int = 200, seed: int = 0,
                     ci: float = 0.95, batch_size: int = 50) -> dict:
    """Raw-vs-controlled ratings and the style coefficients, or ``{"skipped": why}``."""
    from threadpoolctl import threadpool_limits

    feats = _features(battles)
    if feats is None:
        return {"skipped": "the battles carry no answer texts or lengths (left_text,right_text or "
                           "left_length,right_length), so style cannot be controlled"}
    b = battles.copy()
    b["winner"] = b["winner"].astype(str).str.strip().str.lower()
    if both_bad == "drop":
        keep = b["winner"] != "both_bad"
        b, feats = b[keep], feats[keep]
    for col in ("left_source", "right_source"):
        b[col] = b[col].map(lambda s: POOLED_HUMAN if is_human_source(s) else s)
    humans = {s for s in pd.concat([battles["left_source"], battles["right_source"]]) if is_human_source(s)}
    if len(humans) == 1:
        only = next(iter(humans))
        for col in ("left_source", "right_source"):
            b[col] = b[col].replace(POOLED_HUMAN, only)
    keep = (b["left_source"] != b["right_source"]).to_numpy() & feats.notna().all(axis=1).to_numpy()
    b, feats = b[keep], feats[keep]
    names = sorted({c.split("_", 1)[1] for c in feats.columns})
    Z = []
    for n in names:
        left, right = feats[f"left_{n}"].to_numpy(), feats[f"right_{n}"].to_numpy()
        tot = left + right
        Z.append(np.divide(left - right, tot, out=np.zeros_like(tot), where=tot > 0))
    Z = np.column_stack(Z)
    sd = Z.std(axis=0)
    used = [n for n, s in zip(names, sd) if s > 0]
    Z = Z[:, sd > 0] / sd[sd > 0]
    if not used or len(b) < 20:
        return {"skipped": "too few battles with differing answer lengths to estimate a style effect"}
    sources = sorted(set(b["left_source"]) | set(b["right_source"]))
    idx = {s: i for i, s in enumerate(sources)}
    k = len(sources)
    S = np.zeros((len(b), k))
    S[np.arange(len(b)), b["left_source"].map(idx).to_numpy()] = 1.0
    S[np.arange(len(b)), b["right_source"].map(idx).to_numpy()] = -1.0
    X = np.hstack([S[:, 1:], Z])  # the first source is fixed at 0
    y = b["winner"].map({"left": 1.0, "right": 0.0, "tie": 0.5, "both_bad": 0.5}).to_numpy()
    w = np.ones(len(b))
    if "selection_prob" in b.columns:
        w = 1.0 / b["selection_prob"].astype(float).to_numpy()
        w = w / w.mean()
    with threadpool_limits(limits=1):
        theta = _fit(X, y, w[None, :], np.zeros(X.shape[1]))[0]
        rng = np.random.default_rng(seed)
        draws = []
        for s0 in range(0, n_bootstrap, batch_size):
            cnt = rng.multinomial(len(b), np.full(len(b), 1 / len(b)), size=min(batch_size, n_bootstrap - s0))
            draws.append(_fit(X, y, cnt * w, theta))
    boots = np.vstack(draws) if draws else np.empty((0, X.shape[1]))
    hum = [i for i, s in enumerate(sources) if is_human_source(s)]

    def elo(th: np.ndarray) -> np.ndarray:
        beta = np.concatenate([[0.0], th[: k - 1]])
        ref = beta[hum].mean() if hum else beta.mean()
        return ELO_SCALE * (beta - ref) + ANCHOR

    point = elo(theta)
    a = (1 - ci) / 2
    be = np.array([elo(t) for t in boots]) if len(boots) else np.full((1, k), np.nan)
    lo, hi = np.quantile(be, [a, 1 - a], axis=0) if len(boots) else (be[0], be[0])
    gam = boots[:, k - 1:] if len(boots) else np.full((1, len(used)), np.nan)
    glo, ghi = np.quantile(gam, [a, 1 - a], axis=0) if len(boots) else (gam[0], gam[0])
    coefs = [{"covariate": n, "log_odds_per_sd": float(g), "ci_low": float(l), "ci_high": float(h),
              "odds_ratio_per_sd": float(np.exp(g))} for n, g, l, h in zip(used, theta[k - 1:], glo, ghi)]
    table = pd.DataFrame({"source": sources, "elo_controlled": point, "ci_low": lo, "ci_high": hi})
    table = table.sort_values("elo_controlled", ascending=False).reset_index(drop=True)
    table["rank_controlled"] = np.arange(1, len(table) + 1)
    return {"method": "Bradley-Terry logit + standardised normalised differences (left - right) / (left + right) of "
                      f"{', '.join(used)}; ties half a win; percentile bootstrap over battles ({n_bootstrap} rounds)",
            "n_battles": int(len(b)), "covariates": coefs, "ratings": table.to_dict(orient="records")}
