"""Benchmark: battles saved by adaptive pair selection against uniform pairing.

Simulation: 10 sources with known log-strengths (evenly spaced over [-1, 1], so neighbours
differ by 0.22 log-odds, a 55:45 preference); simulated raters, each with their own
sensitivity (a multiplier on the strength gap drawn from U(0.5, 1.5)) and a 10% tie rate.
Both designs collect battles in rounds of 20: uniform pairing draws each battle's pair
uniformly from the 45 pairs; adaptive pairing draws from
``benchmark.studies.adaptive.choose_pairs`` (expected information gain under the current
fit, 20% uniform exploration) and stores each battle's ``selection_prob``. Every 100
battles the ratings are fitted as ``analyze`` fits them (``bradley_terry``; the adaptive
battles weighted by inverse selection probability) and compared with the true order.

Rank stability: Kendall's tau with the true ranking >= 0.9 at that checkpoint and at
every later one (up to 3,000 battles). Figure: median battles over 20 seeds for each
design; ratio = uniform / adaptive (> 1 means adaptive needs fewer). The unweighted fit
of the adaptive battles is printed too (the BT model is right here, so it needs no weights).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

K = 10
SEEDS = 20
ROUND = 20
CHECK_EVERY = 100
MAX_BATTLES = 3000
TAU = 0.9


def _simulate_round(rng: np.random.Generator, strengths: dict[str, float], pairs: pd.DataFrame,
                    sensitivity: np.ndarray) -> list[dict]:
    rows = []
    for r in pairs.itertuples(index=False):
        a, b = (r.left_source, r.right_source) if rng.random() < 0.5 else (r.right_source, r.left_source)
        rater = int(rng.integers(len(sensitivity)))
        p = 1 / (1 + np.exp(-sensitivity[rater] * (strengths[a] - strengths[b])))
        u = rng.random()
        winner = "tie" if u < 0.1 else ("left" if rng.random() < p else "right")
        rows.append({"left_source": a, "right_source": b, "winner": winner, "rater_id": f"r{rater}",
                     "selection_prob": getattr(r, "probability", 1.0 / (K * (K - 1) / 2))})
    return rows


def _tau(fit: pd.DataFrame, truth: dict[str, float]) -> float:
    from scipy.stats import kendalltau

    t = fit.set_index("source")["elo"]
    return float(kendalltau(t.values, [truth[s] for s in t.index]).statistic)


def _battles_to_stable(taus: list[tuple[int, float]]) -> int:
    """First checkpoint from which tau stays >= TAU; MAX_BATTLES + CHECK_EVERY if never."""
    n_stable = MAX_BATTLES + CHECK_EVERY
    for n, t in reversed(taus):
        if t < TAU:
            break
        n_stable = n
    return n_stable


def run_design(seed: int, adaptive: bool) -> tuple[int, int]:
    from benchmark.analysis import bradley_terry
    from benchmark.studies.adaptive import choose_pairs, uniform_candidates

    rng = np.random.default_rng(seed)
    sources = ["human/sim"] + [f"sim/m{i}" for i in range(K - 1)]
    perm = rng.permutation(K)
    strengths = dict(zip(sources, np.linspace(-1, 1, K)[perm]))
    sensitivity = rng.uniform(0.5, 1.5, 40)
    cand = uniform_candidates(sources)
    rows: list[dict] = []
    taus_w, taus_u = [], []
    while len(rows) < MAX_BATTLES:
        so_far = pd.DataFrame(rows) if rows else None
        if adaptive:
            pairs = choose_pairs(so_far, cand, ROUND, explore=0.2, rng=rng)
        else:
            pairs = cand.iloc[rng.integers(len(cand), size=ROUND)]
        rows += _simulate_round(rng, strengths, pairs, sensitivity)
        if len(rows) % CHECK_EVERY == 0:
            df = pd.DataFrame(rows)
            taus_w.append((len(rows), _tau(bradley_terry(df, n_bootstrap=0).table, strengths)))
            if adaptive:
                taus_u.append((len(rows), _tau(bradley_terry(df.drop(columns="selection_prob"), n_bootstrap=0).table, strengths)))
    return _battles_to_stable(taus_w), (_battles_to_stable(taus_u) if adaptive else _battles_to_stable(taus_w))


def run() -> list[dict]:
    import scipy.optimize  # noqa: F401  (loaded before the BLAS limit below, which covers loaded libraries only)
    from threadpoolctl import threadpool_limits

    import benchmark.analysis  # noqa: F401
    import benchmark.studies.adaptive  # noqa: F401

    t0 = time.perf_counter()
    uni, ada_w, ada_u = [], [], []
    with threadpool_limits(limits=1):  # thousands of tiny fits: a threaded BLAS only spins
        for seed in range(SEEDS):
            uni.append(run_design(seed, adaptive=False)[0])
            w, u = run_design(seed, adaptive=True)
            ada_w.append(w)
            ada_u.append(u)
            print(f"seed {seed:2d}: uniform {uni[-1]:5d}  adaptive (IPW fit) {w:5d}  adaptive (unweighted fit) {u:5d}",
                  flush=True)
    mu, mw, mu2 = float(np.median(uni)), float(np.median(ada_w)), float(np.median(ada_u))
    never = sum(x > MAX_BATTLES for x in uni + ada_w)
    print(f"median battles to Kendall tau >= {TAU} for good: uniform {mu:.0f}, adaptive {mw:.0f} (IPW-weighted fit), "
          f"{mu2:.0f} (unweighted fit); {never} runs never stable within {MAX_BATTLES}; {time.perf_counter() - t0:.0f} s")
    return [
        {"bench": f"adaptive pairing: battles to stable ranks (tau >= {TAU}), uniform / adaptive",
         "figure": f"{mu:.0f} vs {mw:.0f} battles (median of {SEEDS} seeds, {K} sources, IPW-weighted fit)",
         "ratio": mu / mw, "target": "> 1 (fewer battles)", "ok": mu / mw > 1},
        {"bench": "adaptive pairing, unweighted fit: uniform / adaptive",
         "figure": f"{mu:.0f} vs {mu2:.0f} battles", "ratio": mu / mu2, "target": "> 1", "ok": mu / mu2 > 1},
    ]


if __name__ == "__main__":
    run()
