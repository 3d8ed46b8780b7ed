"""Benchmark: Bradley-Terry bootstrap vs the older Chatbot Arena method; crossed mixed model.

1. 100,000 battles among 20 sources (seeded), 1,000 bootstrap rounds with
   ``benchmark.analysis.bradley_terry`` (unique rows + counts, multinomial resampling,
   warm-started L-BFGS) against the reference that the older Chatbot Arena notebook used:
   resample the battles with pandas, rebuild the pivot tables and refit
   ``sklearn.linear_model.LogisticRegression`` on every round. The reference is timed on
   ``REF_ROUNDS`` rounds and extrapolated per round (said in the output); both run with a
   single-threaded BLAS (threadpoolctl), as ours does internally. Targets: the
   full-data ratings agree within 1 Elo point, and ours is >= 5x faster per round.
2. The crossed random-effects model (``fit_crossed``) on 20,000 ratings (100 raters,
   5,000 items, 4 ratings each): it must finish; its time is printed.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd

N_BATTLES = 100_000
N_SOURCES = 20
N_ROUNDS = 1000
REF_ROUNDS = 20
BASE, SCALE = 10, 400


def make_battles(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sources = ["human/pool"] + [f"sim/model-{i:02d}" for i in range(N_SOURCES - 1)]
    strength = rng.normal(0, 0.6, N_SOURCES)
    a = rng.integers(0, N_SOURCES, N_BATTLES)
    b = (a + rng.integers(1, N_SOURCES, N_BATTLES)) % N_SOURCES
    p = 1 / (1 + np.exp(-(strength[a] - strength[b])))
    u = rng.random(N_BATTLES)
    winner = np.where(np.abs(u - p) < 0.06, "tie", np.where(u < p, "left", "right"))
    return pd.DataFrame({"left_source": np.array(sources)[a], "right_source": np.array(sources)[b], "winner": winner})


def arena_mle_elo(df: pd.DataFrame, tol: float = 1e-6) -> pd.Series:
    """Port of the older Chatbot Arena ``compute_mle_elo`` (pivot tables + sklearn LR)."""
    from sklearn.linear_model import LogisticRegression

    a_win = pd.pivot_table(df[df["winner"] == "left"], index="left_source", columns="right_source", aggfunc="size", fill_value=0)
    tie = pd.pivot_table(df[df["winner"] == "tie"], index="left_source", columns="right_source", aggfunc="size", fill_value=0)
    tie = tie + tie.T
    b_win = pd.pivot_table(df[df["winner"] == "right"], index="left_source", columns="right_source", aggfunc="size", fill_value=0)
    win = a_win * 2 + b_win.T * 2 + tie
    models = pd.Series(np.arange(len(win.index)), index=win.index)
    p = len(models)
    X = np.zeros([p * (p - 1) * 2, p])
    Y = np.zeros(p * (p - 1) * 2)
    weights = []
    row = 0
    for m_a in win.index:
        for m_b in win.columns:
            if m_a == m_b or math.isnan(win.loc[m_a, m_b]) or math.isnan(win.loc[m_b, m_a]):
                continue
            X[row, models[m_a]] = X[row + 1, models[m_a]] = math.log(BASE)
            X[row, models[m_b]] = X[row + 1, models[m_b]] = -math.log(BASE)
            Y[row], Y[row + 1] = 1.0, 0.0
            weights += [win.loc[m_a, m_b], win.loc[m_b, m_a]]
            row += 2
    lr = LogisticRegression(fit_intercept=False, C=np.inf, tol=tol, max_iter=1000)
    lr.fit(X[:row], Y[:row], sample_weight=weights)
    elo = pd.Series(SCALE * lr.coef_[0], index=models.index)
    return elo - elo["human/pool"] + 1000


def run() -> list[dict]:
    from benchmark.analysis import bradley_terry, fit_crossed

    battles = make_battles()
    t0 = time.perf_counter()
    ours = bradley_terry(battles, n_bootstrap=N_ROUNDS, seed=0)
    t_ours = time.perf_counter() - t0
    ours_elo = ours.table.set_index("source")["elo"]

    ref_point = arena_mle_elo(battles, tol=1e-8)
    max_diff = float((ours_elo - ref_point.reindex(ours_elo.index)).abs().max())
    rng = np.random.default_rng(1)
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    boots = []
    with threadpool_limits(limits=1):  # the same single-threaded BLAS as ours: a fair comparison
        for _ in range(REF_ROUNDS):
            sample = battles.sample(frac=1.0, replace=True, random_state=int(rng.integers(2**31)))
            boots.append(arena_mle_elo(sample))
    t_ref_round = (time.perf_counter() - t0) / REF_ROUNDS
    t_ours_round = t_ours / N_ROUNDS
    speedup = t_ref_round / t_ours_round
    print(f"Bradley-Terry, {N_BATTLES:,} battles, {N_SOURCES} sources:")
    print(f"  ours: {N_ROUNDS} bootstrap rounds + fit in {t_ours:.2f} s ({1000 * t_ours_round:.2f} ms/round)")
    print(f"  reference (pandas resample + pivot + sklearn LogisticRegression): {REF_ROUNDS} rounds timed, "
          f"{1000 * t_ref_round:.1f} ms/round -> {N_ROUNDS} rounds extrapolated {t_ref_round * N_ROUNDS:.1f} s")
    print(f"  speed-up per round: {speedup:.1f}x; max |Elo difference| of the full-data fit: {max_diff:.4f}")
    ref_sd = pd.concat(boots, axis=1).std(axis=1)
    ours_sd = (ours.table.set_index("source")["ci_high"] - ours.table.set_index("source")["ci_low"]) / (2 * 1.96)
    print(f"  bootstrap SD (Elo), median over sources: ours {ours_sd.median():.2f}, reference ({REF_ROUNDS} rounds) {ref_sd.median():.2f}")

    rng = np.random.default_rng(7)
    n_raters, n_items, k = 100, 5000, 4
    ra, it = rng.normal(0, 0.5, n_raters), rng.normal(0, 0.8, n_items)
    items = np.repeat(np.arange(n_items), k)
    raters = np.concatenate([rng.choice(n_raters, k, replace=False) for _ in range(n_items)])
    is_ai = items % 2
    value = 3 + 0.4 * is_ai + ra[raters] + it[items] + rng.normal(0, 1, len(items))
    df = pd.DataFrame({"item_id": items.astype(str), "rater_id": raters.astype(str), "is_ai": is_ai, "value": value})
    t0 = time.perf_counter()
    fit = fit_crossed(df, "is_ai")
    t_mixed = time.perf_counter() - t0
    eff = fit.term("is_ai")
    print(f"Crossed mixed model, {len(df):,} ratings ({n_raters} raters x {n_items} items): {t_mixed:.2f} s, "
          f"{fit.method}; effect {eff['estimate']:.3f} [{eff['ci_low']:.3f}, {eff['ci_high']:.3f}] (true 0.4); "
          f"variances {', '.join(f'{k_}={v:.3f}' for k_, v in fit.variances.items())} (true item 0.64, rater 0.25, residual 1)")
    return [
        {"bench": "bt bootstrap speed-up vs sklearn refits", "figure": f"{1000 * t_ours_round:.2f} vs {1000 * t_ref_round:.1f} ms/round",
         "ratio": speedup, "target": ">= 5", "ok": speedup >= 5},
        {"bench": "bt ratings vs sklearn (max |Elo diff|)", "figure": f"{max_diff:.4f} Elo", "ratio": max_diff,
         "target": "<= 1", "ok": max_diff <= 1},
        {"bench": "crossed mixed model, 20,000 ratings", "figure": f"{t_mixed:.2f} s", "ratio": t_mixed,
         "target": "finishes (s)", "ok": bool(fit.converged)},
    ]


if __name__ == "__main__":
    run()
