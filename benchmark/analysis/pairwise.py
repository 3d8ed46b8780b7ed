"""Bradley-Terry ratings from pairwise battles, fitted the way Chatbot Arena fits them.

Why this shape: battles collapse to *unique* ``(a, b, outcome)`` rows with counts, so the
log-likelihood costs O(unique rows) rather than O(battles); a tie counts as half a win for
each side; the MLE is found with L-BFGS (``scipy.optimize.minimize``) using the analytic
gradient. Percentile bootstrap CIs resample *battles*; since a resample of battles is a
multinomial draw over the unique rows, each round draws new counts and re-fits from the
MLE (warm start); rounds are fitted in batches by one L-BFGS run over their stacked
(independent) parameters, which is what makes 1,000 rounds cheap.

Scale: Elo points ``400 / ln(10) * beta``, shifted so that the human source sits at 1000
(all ``human/<pool>`` sources are pooled into one by default, see ``pool_humans``).
Rank: ``1 + number of sources whose lower CI bound exceeds this one's upper bound``.

Adaptive designs (``benchmark.studies.adaptive``) store each battle's ``selection_prob``;
the fit then weights each battle by its inverse (normalised to mean 1), so the ratings
estimate what a uniform design would (Horvitz-Thompson), as Chatbot Arena does. Sparse
designs are flagged (``design_warnings``): few battles overall ("preliminary" below 300,
as TTS Arena marks them), pairs that rarely met, a disconnected graph, CIs wider than a
limit. Rank confidence sets, style control and the drop-k check live in
``benchmark.analysis.robustness`` and ``benchmark.analysis.style``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from benchmark.errors import BenchError
from benchmark.records import is_human_source

ELO_SCALE = 400.0 / math.log(10.0)
ANCHOR = 1000.0
PRELIMINARY_BELOW = 300  # battles; TTS Arena marks ratings with fewer votes "preliminary"
MIN_PAIR_BATTLES = 10  # a pair met fewer times than this is "sparse"
MAX_CI_WIDTH = 200.0  # Elo; a wider 95% CI is flagged
POOLED_HUMAN = "human/pooled"
WINNERS = ("left", "right", "tie", "both_bad")


@dataclass
class Outcomes:
    """Unique battle rows: ``a`` and ``b`` index into ``sources``; ``y`` is 1 when a won,
    0.5 for a tie, 0 when b won; ``w`` is the number of battles with that row."""

    sources: list[str]
    a: np.ndarray
    b: np.ndarray
    y: np.ndarray
    w: np.ndarray
    count: np.ndarray | None = None  # battles per unique row (w = count x weight when weighted)

    def __post_init__(self) -> None:
        if self.count is None:
            self.count = self.w.copy()

    @property
    def n_battles(self) -> float:
        return float(self.count.sum())

    @property
    def weight(self) -> np.ndarray:
        """Weight of one battle of each unique row (1 without inverse-probability weights)."""
        return self.w / np.maximum(self.count, 1e-300)


@dataclass
class BTResult:
    """Ratings table (source, elo, ci_low, ci_high, rank, beta, n_battles) plus settings."""

    table: pd.DataFrame
    n_battles: int
    n_bootstrap: int
    seed: int
    anchor: str
    both_bad: str
    warnings: list[str] = field(default_factory=list)
    boots: np.ndarray | None = None  # bootstrap Elo draws (rounds x sources, in ``sources`` order)
    sources: list[str] = field(default_factory=list)
    outcomes: "Outcomes | None" = None
    beta: np.ndarray | None = None  # MLE log-strengths in ``sources`` order (first source = 0)
    weighted: bool = False
    design: dict = field(default_factory=dict)
    preliminary: bool = False

    def to_dict(self) -> dict:
        return {
            "method": "Bradley-Terry MLE (L-BFGS on unique rows with counts), ties = half a win, "
            "percentile bootstrap over battles (multinomial over unique rows, warm start)",
            "elo_scale": "400/ln(10) * beta",
            "anchor": f"{self.anchor} = {ANCHOR:g}",
            "both_bad": self.both_bad,
            "n_battles": self.n_battles,
            "n_bootstrap": self.n_bootstrap,
            "seed": self.seed,
            "weighted": "inverse selection probability (normalised to mean 1)" if self.weighted else None,
            "preliminary": self.preliminary,
            "design": self.design,
            "warnings": self.warnings,
            "ratings": self.table.to_dict(orient="records"),
        }


def battles_to_outcomes(
    battles: pd.DataFrame, *, both_bad: str = "tie", pool_humans: bool = True
) -> Outcomes:
    """Collapse a battles table (left_source, right_source, winner) to unique rows.

    ``both_bad`` is ``"tie"`` (default: neither response was better, so half a win each,
    as Chatbot Arena treats ``tie (bothbad)``) or ``"drop"`` (leave those battles out).
    """
    if both_bad not in ("tie", "drop"):
        raise BenchError(f"both_bad must be 'tie' or 'drop', not '{both_bad}'")
    for col in ("left_source", "right_source", "winner"):
        if col not in battles.columns:
            raise BenchError(f"battles table has no '{col}' column", fix="see interfaces: pairwise battles")
    df = battles[["left_source", "right_source", "winner"]].copy()
    weighted = "selection_prob" in battles.columns
    df["weight"] = 1.0
    if weighted:  # inverse-probability weights, mean 1 over the battles kept below
        df["weight"] = 1.0 / pd.to_numeric(battles["selection_prob"], errors="coerce").to_numpy(float)
    df["winner"] = df["winner"].astype(str).str.strip().str.lower()
    bad = sorted(set(df["winner"]) - set(WINNERS))
    if bad:
        raise BenchError(f"unknown winner value(s) {bad}", fix=f"use one of {', '.join(WINNERS)}")
    if both_bad == "drop":
        df = df[df["winner"] != "both_bad"]
    if pool_humans:
        for col in ("left_source", "right_source"):
            df[col] = df[col].map(lambda s: POOLED_HUMAN if is_human_source(s) else s)
        humans = {s for s in pd.concat([battles["left_source"], battles["right_source"]]) if is_human_source(s)}
        if len(humans) == 1:  # a single pool keeps its own name
            only = humans.pop()
            for col in ("left_source", "right_source"):
                df[col] = df[col].replace(POOLED_HUMAN, only)
    df = df[df["left_source"] != df["right_source"]]
    if df.empty:
        raise BenchError("no battles between two different sources to fit")
    if not np.all(np.isfinite(df["weight"])) or (df["weight"] <= 0).any():
        raise BenchError("selection_prob must be a probability in (0, 1] for every battle",
                         fix="fix or drop the column (it comes from the adaptive pair selection)")
    df["weight"] = df["weight"] / df["weight"].mean()
    y = df["winner"].map({"left": 1.0, "right": 0.0, "tie": 0.5, "both_bad": 0.5}).to_numpy()
    sources = sorted(set(df["left_source"]) | set(df["right_source"]))
    idx = {s: i for i, s in enumerate(sources)}
    a = df["left_source"].map(idx).to_numpy()
    b = df["right_source"].map(idx).to_numpy()
    # orient every row so that a < b, flipping the outcome, then count unique rows
    flip = a > b
    a2, b2 = np.where(flip, b, a), np.where(flip, a, b)
    y2 = np.where(flip, 1.0 - y, y)
    wcode, wvals = pd.factorize(df["weight"].round(12))
    keys = np.stack([a2, b2, (y2 * 2).astype(int), wcode], axis=1)
    uniq, counts = np.unique(keys, axis=0, return_counts=True)
    weight = np.asarray(wvals, float)[uniq[:, 3]]
    return Outcomes(sources, uniq[:, 0], uniq[:, 1], uniq[:, 2] / 2.0, counts * weight, counts.astype(float))


def _negloglik(theta: np.ndarray, o: Outcomes, w: np.ndarray) -> tuple[float, np.ndarray]:
    beta = np.concatenate([[0.0], theta])  # the first source is fixed at 0 (identifiability)
    d = beta[o.a] - beta[o.b]
    ll = w * (o.y * log_expit(d) + (1.0 - o.y) * log_expit(-d))
    g_d = w * (o.y - expit(d))  # d ll / d d
    grad = np.bincount(o.a, weights=g_d, minlength=len(beta)) - np.bincount(o.b, weights=g_d, minlength=len(beta))
    total = w.sum()
    return -ll.sum() / total, -grad[1:] / total


def fit_bt(o: Outcomes, w: np.ndarray | None = None, x0: np.ndarray | None = None) -> np.ndarray:
    """Maximum-likelihood log-strengths (first source = 0) by L-BFGS."""
    w = o.w if w is None else w
    k = len(o.sources)
    if k < 2:
        raise BenchError("Bradley-Terry needs battles among at least two sources")
    start = np.zeros(k - 1) if x0 is None else x0[1:] - x0[0]
    res = minimize(_negloglik, start, args=(o, w), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-10, "ftol": 1e-13, "maxiter": 1000})
    return np.concatenate([[0.0], res.x])


def fit_bt_batch(o: Outcomes, W: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """Fit many bootstrap rounds at once: rows of ``W`` are the counts of the unique
    rows in each round. The rounds are independent, so the sum of their (per-round
    normalised) losses is minimised jointly by one L-BFGS run over all parameters,
    warm-started at the MLE ``x0``; numpy then does the work of all rounds per step."""
    B, k = len(W), len(o.sources)
    M = np.zeros((len(o.a), k))
    M[np.arange(len(o.a)), o.a] = 1.0
    M[np.arange(len(o.a)), o.b] = -1.0
    M = M[:, 1:]  # the first source is fixed at 0
    Wn = W / W.sum(axis=1, keepdims=True)

    def f(theta: np.ndarray) -> tuple[float, np.ndarray]:
        d = theta.reshape(B, k - 1) @ M.T  # B x rows
        ll = Wn * (o.y * log_expit(d) + (1.0 - o.y) * log_expit(-d))
        g = (Wn * (o.y - expit(d))) @ M
        return -ll.sum(), -g.ravel()

    start = np.tile(x0[1:] - x0[0], B)
    res = minimize(f, start, jac=True, method="L-BFGS-B", options={"gtol": 1e-9, "ftol": 1e-15, "maxiter": 2000})
    return np.hstack([np.zeros((B, 1)), res.x.reshape(B, k - 1)])


def _connectivity_warnings(o: Outcomes) -> list[str]:
    warns = []
    k = len(o.sources)
    wins = np.zeros(k)
    losses = np.zeros(k)
    np.add.at(wins, o.a, o.w * o.y)
    np.add.at(wins, o.b, o.w * (1 - o.y))
    np.add.at(losses, o.a, o.w * (1 - o.y))
    np.add.at(losses, o.b, o.w * o.y)
    for i, s in enumerate(o.sources):
        if wins[i] == 0 or losses[i] == 0:
            what = "never won" if wins[i] == 0 else "never lost"
            warns.append(f"{s} {what}: its rating is not finite in theory; treat it as a bound, collect more battles")
    # graph connectivity (union-find)
    parent = list(range(k))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(o.a, o.b):
        parent[find(int(a))] = find(int(b))
    if len({find(i) for i in range(k)}) > 1:
        warns.append("the battle graph is not connected: ratings of separate groups are not comparable")
    return warns


def ranks_from_ci(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Rank = 1 + number of others whose lower bound exceeds this one's upper bound."""
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    return 1 + (lower[None, :] > upper[:, None]).sum(axis=1)


def bradley_terry(
    battles: pd.DataFrame,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    both_bad: str = "tie",
    pool_humans: bool = True,
    ci: float = 0.95,
    progress: bool = False,
    batch_size: int = 100,
    max_ci_width: float = MAX_CI_WIDTH,
) -> BTResult:
    """Fit BT, bootstrap CIs over battles, Elo scale anchored on the human source."""
    o = battles_to_outcomes(battles, both_bad=both_bad, pool_humans=pool_humans)
    beta = fit_bt(o)
    humans = [i for i, s in enumerate(o.sources) if is_human_source(s)]
    anchor_name = o.sources[humans[0]] if len(humans) == 1 else ("mean of human sources" if humans else "mean of all sources")

    def to_elo(b: np.ndarray) -> np.ndarray:
        ref = b[humans].mean() if humans else b.mean()
        return ELO_SCALE * (b - ref) + ANCHOR

    elo = to_elo(beta)
    rng = np.random.default_rng(seed)
    n = int(round(o.n_battles))
    p = o.count / o.count.sum()
    boots = np.empty((n_bootstrap, len(o.sources)))
    starts = range(0, n_bootstrap, batch_size)
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc="Bradley-Terry bootstrap", unit="batch")
    # tiny dense problems: a multi-threaded BLAS only spins (5x slower on a busy machine)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        for s0 in starts:
            w = rng.multinomial(n, p, size=min(batch_size, n_bootstrap - s0)) * o.weight
            boots[s0:s0 + len(w)] = np.apply_along_axis(to_elo, 1, fit_bt_batch(o, w, beta))
    alpha = (1 - ci) / 2
    if n_bootstrap > 0:
        lo, hi = np.quantile(boots, [alpha, 1 - alpha], axis=0)
    else:
        lo = hi = np.full(len(o.sources), np.nan)
    counts = np.bincount(o.a, weights=o.count, minlength=len(o.sources)) + np.bincount(o.b, weights=o.count, minlength=len(o.sources))
    table = pd.DataFrame({
        "source": o.sources, "elo": elo, "ci_low": lo, "ci_high": hi,
        "beta": beta - (beta[humans].mean() if humans else beta.mean()),
        "n_battles": counts.astype(int), "is_human": [is_human_source(s) for s in o.sources],
    })
    table["rank"] = ranks_from_ci(table["ci_low"], table["ci_high"]) if n_bootstrap > 0 else table["elo"].rank(ascending=False, method="min").astype(int)
    table = table.sort_values(["rank", "elo"], ascending=[True, False]).reset_index(drop=True)
    design, warns, prelim = design_warnings(o, table, max_ci_width=max_ci_width)
    return BTResult(table, n, n_bootstrap, seed, anchor_name, both_bad, _connectivity_warnings(o) + warns,
                    boots=boots if n_bootstrap > 0 else None, sources=list(o.sources), outcomes=o, beta=beta,
                    weighted=bool(np.any(o.weight != 1.0)), design=design, preliminary=prelim)


def design_warnings(o: Outcomes, table: pd.DataFrame, *, max_ci_width: float = MAX_CI_WIDTH,
                    preliminary_below: int = PRELIMINARY_BELOW, min_pair: int = MIN_PAIR_BATTLES) -> tuple[dict, list[str], bool]:
    """Battles per source pair, unmet pairs, wide CIs; returns (design figures, warnings, preliminary)."""
    k = len(o.sources)
    per_pair = pd.Series(o.count).groupby([o.a, o.b]).sum()
    possible = k * (k - 1) // 2
    n = int(round(o.n_battles))
    design = {"n_battles": n, "n_sources": k, "pairs_possible": possible, "pairs_met": int(len(per_pair)),
              "battles_per_pair_min": float(per_pair.min()), "battles_per_pair_median": float(per_pair.median()),
              "battles_per_pair_max": float(per_pair.max()), "max_ci_width": max_ci_width,
              "preliminary_below": preliminary_below, "min_pair_battles": min_pair}
    warns: list[str] = []
    prelim = n < preliminary_below
    if prelim:
        warns.append(f"only {n} battles (< {preliminary_below}): these ratings are preliminary")
    if len(per_pair) < possible:
        warns.append(f"{possible - len(per_pair)} of {possible} source pairs never met: their order rests on other pairs")
    sparse = int((per_pair < min_pair).sum())
    if sparse:
        warns.append(f"{sparse} of {len(per_pair)} source pairs met fewer than {min_pair} times "
                     f"(min {per_pair.min():g}, median {per_pair.median():g} battles per pair)")
    width = (table["ci_high"] - table["ci_low"]).to_numpy(float)
    wide = table.loc[~(width <= max_ci_width), "source"].tolist()
    if wide:
        prelim = True
        w = np.nanmax(width) if np.isfinite(width).any() else float("nan")
        warns.append(f"{len(wide)} source(s) have a 95% CI wider than {max_ci_width:g} Elo (widest {w:.0f}): "
                     f"{', '.join(wide[:5])}{' ...' if len(wide) > 5 else ''}; collect more battles")
    return design, warns, prelim
