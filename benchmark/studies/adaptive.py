"""Adaptive pair selection for pairwise studies, as pure functions (no store, no app).

Why: uniform pairing spends most battles on pairs whose order is already clear. Choosing
the next pair by its expected information gain under the current Bradley-Terry fit
reaches stable ranks with fewer battles (Chatbot Arena samples this way); a uniform
exploration share keeps every pair possible, so each battle's selection probability is
known and positive and the fit can be weighted by its inverse (``selection_prob`` in the
battles table; ``benchmark.analysis.pairwise`` then estimates what a uniform design
would). ``python -m tests.perf adaptive`` measures the battles saved on simulated raters.

The model: a Bradley-Terry posterior under a N(0, prior_sd^2) prior per log-strength,
fitted by Newton's method (MAP) with its Laplace covariance; the prior keeps the fit
finite before every source has won and lost. The gain of a battle between i and j is the
expected reduction in posterior entropy of the log-strengths, ``0.5 log(1 + p(1-p) v_ij)``
with ``p`` the predicted win probability and ``v_ij = Var(beta_i - beta_j)`` (the
D-optimal design criterion for one logistic observation). A candidate is drawn with
probability ``explore / |C| + (1 - explore) * gain / sum(gain)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from benchmark.errors import BenchError

SCORES = {"left": 1.0, "right": 0.0, "tie": 0.5, "both_bad": 0.5}


@dataclass
class Posterior:
    """MAP log-strengths and their Laplace covariance, in ``sources`` order."""

    sources: list[str]
    mean: np.ndarray
    cov: np.ndarray

    def index(self, source: str) -> int:
        return self.sources.index(source)


def _wins(battles: pd.DataFrame | None, idx: dict[str, int]) -> np.ndarray:
    k = len(idx)
    W = np.zeros((k, k))
    if battles is None or battles.empty:
        return W
    y = battles["winner"].astype(str).str.strip().str.lower().map(SCORES)
    if y.isna().any():
        raise BenchError(f"unknown winner value(s) {sorted(set(battles['winner'][y.isna()].astype(str)))[:5]}",
                         fix="use left, right, tie or both_bad")
    a = battles["left_source"].map(idx)
    b = battles["right_source"].map(idx)
    ok = a.notna() & b.notna() & (a != b)  # battles of sources no longer offered carry no weight here
    np.add.at(W, (a[ok].astype(int).to_numpy(), b[ok].astype(int).to_numpy()), y[ok].to_numpy())
    np.add.at(W, (b[ok].astype(int).to_numpy(), a[ok].astype(int).to_numpy()), 1.0 - y[ok].to_numpy())
    return W


def fit_posterior(battles: pd.DataFrame | None, sources: list[str], *, prior_sd: float = 1.5,
                  tol: float = 1e-10, max_iter: int = 50) -> Posterior:
    """Bradley-Terry MAP under N(0, prior_sd^2) priors, Newton's method; ties are half a win."""
    if prior_sd <= 0:
        raise BenchError(f"prior_sd must be positive, not {prior_sd}")
    sources = list(dict.fromkeys(sources))
    idx = {s: i for i, s in enumerate(sources)}
    return fit_wins(_wins(battles, idx), sources, prior_sd=prior_sd, tol=tol, max_iter=max_iter)


def fit_wins(W: np.ndarray, sources: list[str], *, prior_sd: float = 1.5, tol: float = 1e-10,
             max_iter: int = 50) -> Posterior:
    """``fit_posterior`` from a wins matrix (``W[i, j]``: wins of i over j, ties as halves),
    so a caller that keeps counts up to date (the app's claims) need not rebuild battles."""
    if prior_sd <= 0:
        raise BenchError(f"prior_sd must be positive, not {prior_sd}")
    N = W + W.T
    k = len(sources)
    beta = np.zeros(k)
    prec = 1.0 / prior_sd**2
    H = np.eye(k) * prec
    for _ in range(max_iter):
        P = 1.0 / (1.0 + np.exp(-(beta[:, None] - beta[None, :])))
        grad = (W - N * P).sum(axis=1) - prec * beta
        C = N * P * (1 - P)
        H = np.diag(C.sum(axis=1) + prec) - C  # negative Hessian of the log-posterior
        step = np.linalg.solve(H, grad)
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            break
    P = 1.0 / (1.0 + np.exp(-(beta[:, None] - beta[None, :])))
    C = N * P * (1 - P)
    H = np.diag(C.sum(axis=1) + prec) - C
    return Posterior(sources, beta, np.linalg.inv(H))


def information_gain(post: Posterior, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Expected information (nats) from one battle of each (left, right) index pair."""
    d = post.mean[left] - post.mean[right]
    p = 1.0 / (1.0 + np.exp(-d))
    v = post.cov[left, left] + post.cov[right, right] - 2 * post.cov[left, right]
    return 0.5 * np.log1p(p * (1 - p) * np.clip(v, 0, None))


def selection_probabilities(battles: pd.DataFrame | None, candidates: pd.DataFrame, *, explore: float = 0.2,
                            prior_sd: float = 1.5, posterior: Posterior | None = None) -> pd.DataFrame:
    """``candidates`` (left_source, right_source, any other columns) with ``gain`` and
    ``probability`` added; the probabilities sum to 1 and are all >= explore / |C|.
    A ``posterior`` fitted already (over at least the candidates' sources) replaces ``battles``."""
    if not 0 < explore <= 1:
        raise BenchError(f"explore must be in (0, 1], not {explore}",
                         fix="keep a uniform exploration share, e.g. 0.2, so every pair stays possible")
    if candidates.empty:
        raise BenchError("no candidate pairs to choose from")
    if (candidates["left_source"] == candidates["right_source"]).any():
        raise BenchError("a candidate pair has the same source on both sides")
    sources = sorted(set(candidates["left_source"]) | set(candidates["right_source"]))
    post = posterior if posterior is not None else fit_posterior(battles, sources, prior_sd=prior_sd)
    idx = {s: i for i, s in enumerate(post.sources)}
    gain = information_gain(post, candidates["left_source"].map(idx).to_numpy(), candidates["right_source"].map(idx).to_numpy())
    n = len(candidates)
    share = gain / gain.sum() if gain.sum() > 0 else np.full(n, 1.0 / n)
    out = candidates.copy()
    out["gain"] = gain
    out["probability"] = explore / n + (1 - explore) * share
    return out


def choose_pairs(battles: pd.DataFrame | None, candidates: pd.DataFrame, n: int = 1, *, explore: float = 0.2,
                 prior_sd: float = 1.5, rng: np.random.Generator | int | None = None) -> pd.DataFrame:
    """Draw ``n`` candidates (with replacement, from one fit) with their ``probability``,
    which is the ``selection_prob`` to store with each resulting battle."""
    if n < 1:
        raise BenchError(f"n must be at least 1, not {n}")
    probs = selection_probabilities(battles, candidates, explore=explore, prior_sd=prior_sd)
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    pick = gen.choice(len(probs), size=n, replace=True, p=probs["probability"].to_numpy())
    return probs.iloc[pick].reset_index(drop=True)


def uniform_candidates(sources: list[str]) -> pd.DataFrame:
    """Every unordered pair of distinct sources once (the app decides left and right)."""
    s = sorted(dict.fromkeys(sources))
    rows = [(a, b) for i, a in enumerate(s) for b in s[i + 1:]]
    return pd.DataFrame(rows, columns=["left_source", "right_source"])


def ipw_weights(selection_prob: np.ndarray | pd.Series) -> np.ndarray:
    """Inverse-probability weights, normalised to mean 1 (what the fit uses)."""
    p = np.asarray(selection_prob, float)
    if not np.all((p > 0) & (p <= 1)):
        raise BenchError("selection probabilities must lie in (0, 1]")
    w = 1.0 / p
    return w / w.mean()
