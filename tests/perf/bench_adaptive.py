"""Benchmark: battles saved by adaptive pair selection against uniform pairing.

Simulation: 16 sources with known log-strengths evenly spaced over [-2, 2] (neighbours
differ by 0.27 log-odds, a 57:43 preference; the extremes 98:2), as on a leaderboard that
spans weak and strong models; simulated raters, each with their own
sensitivity (a multiplier on the strength gap drawn from U(0.5, 1.5)) and a 10% tie rate.
Both designs collect battles in rounds of 20: uniform pairing draws each battle's pair
uniformly from the 120 pairs; adaptive pairing draws from
``benchmark.studies.adaptive.choose_pairs`` (expected information gain under the current
fit, 20% uniform exploration) and stores each battle's ``selection_prob``. Every 100
battles the ratings are fitted as ``analyze`` fits them (``bradley_terry``; the adaptive
battles weighted by inverse selection probability) and compared with the true order.

Rank accuracy: Kendall's tau between the fitted and the true order, averaged over 20
seeds at each checkpoint (up to 1,500 battles). Figure: the battles at which the averaged
curve reaches tau 0.8 and 0.9 for each design (linear interpolation between checkpoints);
ratio = uniform / adaptive (> 1: adaptive needs fewer). The unweighted fit of the adaptive
battles is printed too (the BT model is right here, so it needs no weights; the weights
cost some precision and buy robustness when it is not).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

K = 16
SPREAD = 2.0
SEEDS = 20
ROUND = 20
CHECK_EVERY = 100
MAX_BATTLES = 1500
TARGETS = (0.8, 0.9)


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


def run_design(seed: int, adaptive: bool) -> tuple[np.ndarray, np.ndarray]:
    """Kendall tau with the true order at each checkpoint: (IPW-weighted fit, unweighted fit)."""
    from benchmark.analysis import bradley_terry
    from benchmark.studies.adaptive import choose_pairs, uniform_candidates

    rng = np.random.default_rng(seed)
    sources = ["human/sim"] + [f"sim/m{i}" for i in range(K - 1)]
    strengths = dict(zip(sources, np.linspace(-SPREAD, SPREAD, K)[rng.permutation(K)]))
    sensitivity = rng.uniform(0.5, 1.5, 40)
    cand = uniform_candidates(sources)
    rows: list[dict] = []
    tau_w, tau_u = [], []
    while len(rows) < MAX_BATTLES:
        if adaptive:
            pairs = choose_pairs(pd.DataFrame(rows) if rows else None, cand, ROUND, explore=0.2, rng=rng)
        else:
            pairs = cand.iloc[rng.integers(len(cand), size=ROUND)]
        rows += _simulate_round(rng, strengths, pairs, sensitivity)
        if len(rows) % CHECK_EVERY == 0:
            df = pd.DataFrame(rows)
            tau_w.append(_tau(bradley_terry(df, n_bootstrap=0).table, strengths))
            tau_u.append(_tau(bradley_terry(df.drop(columns="selection_prob"), n_bootstrap=0).table, strengths)
                         if adaptive else tau_w[-1])
    return np.array(tau_w), np.array(tau_u)


def battles_to_reach(curve: np.ndarray, target: float) -> float:
    """Battles at which the seed-averaged tau curve first reaches ``target`` (linear
    interpolation between checkpoints); inf when it never does within MAX_BATTLES."""
    n = CHECK_EVERY * np.arange(1, len(curve) + 1)
    above = np.flatnonzero(curve >= target)
    if not len(above):
        return float("inf")
    i = above[0]
    if i == 0:
        return float(n[0])
    return float(n[i - 1] + (target - curve[i - 1]) / (curve[i] - curve[i - 1]) * CHECK_EVERY)


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
            print(f"seed {seed:2d}: tau at 500/1000/1500 battles: uniform {uni[-1][4]:.2f}/{uni[-1][9]:.2f}/"
                  f"{uni[-1][-1]:.2f}, adaptive {w[4]:.2f}/{w[9]:.2f}/{w[-1]:.2f}", flush=True)
    curves = {"uniform": np.mean(uni, axis=0), "adaptive": np.mean(ada_w, axis=0), "adaptive_unweighted": np.mean(ada_u, axis=0)}
    for name, c in curves.items():
        print(f"mean tau, {name:20s}: " + " ".join(f"{x:.3f}" for x in c) + f"  (every {CHECK_EVERY} battles)")
    rows = []
    for target in TARGETS:
        need = {k: battles_to_reach(c, target) for k, c in curves.items()}
        print(f"battles to a mean Kendall tau of {target} with the true order: uniform {need['uniform']:.0f}, adaptive "
              f"{need['adaptive']:.0f} (IPW-weighted fit), {need['adaptive_unweighted']:.0f} (unweighted fit)")
        ratio = need["uniform"] / need["adaptive"]
        rows.append({"bench": f"adaptive pairing: battles to mean Kendall tau {target}, uniform / adaptive",
                     "figure": f"{need['uniform']:.0f} vs {need['adaptive']:.0f} battles ({SEEDS} seeds, {K} sources, "
                               "IPW-weighted fit)", "ratio": ratio, "target": "> 1 (fewer battles)", "ok": ratio > 1})
        if target == TARGETS[-1]:
            r2 = need["uniform"] / need["adaptive_unweighted"]
            rows.append({"bench": f"adaptive pairing, unweighted fit: battles to tau {target}, uniform / adaptive",
                         "figure": f"{need['uniform']:.0f} vs {need['adaptive_unweighted']:.0f} battles", "ratio": r2,
                         "target": "> 1 (fewer battles)", "ok": r2 > 1})
    print(f"({time.perf_counter() - t0:.0f} s)")
    return rows


if __name__ == "__main__":
    run()
