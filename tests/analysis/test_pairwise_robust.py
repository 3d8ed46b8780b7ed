"""Pairwise rankings that hold up: sparse-design warnings, drop-k verified against brute
force, rank confidence sets, style control, inverse-probability weights."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from benchmark.analysis import battles_to_outcomes, bradley_terry, fit_bt
from benchmark.analysis.pairwise import Outcomes
from benchmark.analysis.robustness import drop_k, rank_sets, robustness
from benchmark.analysis.style import style_controlled


def _battles(pairs: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    rows = [(a, b, w) for a, b, w, n in pairs for _ in range(n)]
    return pd.DataFrame(rows, columns=["left_source", "right_source", "winner"])


def _simulate(strength: dict[str, float], n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    src = list(strength)
    rows = []
    for _ in range(n):
        a, b = rng.choice(src, 2, replace=False)
        p = 1 / (1 + np.exp(-(strength[a] - strength[b])))
        rows.append((a, b, "left" if rng.random() < p else "right"))
    return pd.DataFrame(rows, columns=["left_source", "right_source", "winner"])


def test_twelve_battles_are_flagged_preliminary_with_wide_cis():
    b = _simulate({"human/p": 0.0, "m/a": 0.5, "m/b": -0.3, "m/c": 0.2}, 12, seed=2)
    res = bradley_terry(b, n_bootstrap=200)
    text = " ".join(res.warnings)
    assert res.preliminary and "only 12 battles (< 300): these ratings are preliminary" in text
    assert "wider than 200 Elo" in text and "met fewer than 10 times" in text
    assert res.design["pairs_possible"] == 6 and res.design["battles_per_pair_max"] < 10
    big = bradley_terry(_simulate({"human/p": 0.0, "m/a": 0.8, "m/b": -0.6}, 3000, seed=1), n_bootstrap=200)
    assert not big.preliminary and not big.warnings


def test_drop_k_exact_small_case_and_brute_force():
    # 7 wins to 3: removing 4 of the winner's wins levels them (3 to 3), and no 3 removals do
    o = battles_to_outcomes(_battles([("human/p", "m/x", "left", 7), ("human/p", "m/x", "right", 3)]))
    beta = fit_bt(o)
    top, other = int(np.argmax(beta)), int(np.argmin(beta))
    assert drop_k(o, beta, top, other)["k"] == 4
    # three sources: the greedy, refit-verified answer equals the exhaustive minimum
    b = _battles([("m/a", "m/b", "left", 5), ("m/a", "m/b", "right", 3), ("m/b", "m/c", "left", 4),
                  ("m/b", "m/c", "right", 3), ("m/a", "m/c", "left", 3), ("m/a", "m/c", "right", 2),
                  ("m/a", "m/b", "tie", 1)])
    o = battles_to_outcomes(b)
    beta = fit_bt(o)
    i, j = (int(x) for x in np.argsort(-beta)[:2])
    greedy = drop_k(o, beta, i, j)["k"]

    def flips(removed: tuple[int, ...]) -> bool:
        c = o.count - np.array(removed, float)
        bb = fit_bt(Outcomes(o.sources, o.a, o.b, o.y, c, c), x0=beta)
        return bb[i] - bb[j] <= 1e-6

    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        combos = sorted(itertools.product(*[range(int(c) + 1) for c in o.count]), key=sum)
        brute = next(sum(r) for r in combos if sum(r) > 0 and flips(r))
    assert greedy == brute


def test_rank_sets_are_tight_for_clear_orders_and_wide_for_ties():
    res = bradley_terry(_simulate({"human/p": 0.0, "m/a": 1.5, "m/b": -1.5, "m/c": 3.0}, 4000, seed=3), n_bootstrap=300)
    rob = robustness(res)
    sets = {r["source"]: (r["rank_low"], r["rank_high"]) for r in rob["rank_sets"]}
    assert sets == {"m/c": (1, 1), "m/a": (2, 2), "human/p": (3, 3), "m/b": (4, 4)}
    assert rob["top"]["source"] == "m/c" and rob["top"]["k"] > 100
    even = bradley_terry(_simulate({"human/p": 0.0, "m/a": 0.0, "m/b": 0.0}, 600, seed=4), n_bootstrap=300)
    rob = robustness(even)
    assert all(r["rank_low"] == 1 and r["rank_high"] == 3 for r in rob["rank_sets"])
    assert rob["top"]["share"] < 0.05  # a tie at the top falls to a handful of battles
    # the rank-set machinery on known draws: two sources far apart, one in the middle overlapping both
    lo, hi, c = rank_sets(np.array([10.0, 0.0, 5.0]), np.random.default_rng(0).normal([10, 0, 5], [0.5, 0.5, 3.0], (2000, 3)))
    assert list(lo) == [1, 2, 1] and list(hi) == [2, 3, 3] and c > 1.96


def test_style_control_removes_a_pure_length_advantage():
    rng = np.random.default_rng(5)
    src = ["human/p", "m/verbose", "m/terse"]
    mean_len = {"human/p": 80, "m/verbose": 160, "m/terse": 60}
    rows = []
    for _ in range(2500):
        a, b = rng.choice(src, 2, replace=False)
        la, lb = (max(5, int(rng.normal(mean_len[s], 40))) for s in (a, b))
        p = 1 / (1 + np.exp(-3.0 * (la - lb) / (la + lb)))  # only length matters
        rows.append((a, b, "left" if rng.random() < p else "right", la, lb))
    b = pd.DataFrame(rows, columns=["left_source", "right_source", "winner", "left_length", "right_length"])
    raw = bradley_terry(b, n_bootstrap=0).table.set_index("source")["elo"]
    ctl = style_controlled(b, n_bootstrap=100)
    elo = {r["source"]: r["elo_controlled"] for r in ctl["ratings"]}
    assert raw["m/verbose"] - raw["m/terse"] > 100  # the raw board rewards length
    assert abs(elo["m/verbose"] - elo["m/terse"]) < 0.25 * (raw["m/verbose"] - raw["m/terse"])
    coef = ctl["covariates"][0]
    assert coef["covariate"] == "length (words)" and coef["ci_low"] > 0
    assert "skipped" in style_controlled(b.drop(columns=["left_length", "right_length"]))


def test_inverse_probability_weights():
    b = _simulate({"human/p": 0.0, "m/a": 0.7, "m/b": -0.4}, 900, seed=6)
    plain = bradley_terry(b, n_bootstrap=0).table.set_index("source")["elo"]
    same = bradley_terry(b.assign(selection_prob=0.2), n_bootstrap=0).table.set_index("source")["elo"]
    assert same.to_dict() == pytest.approx(plain.to_dict(), abs=1e-6)  # a constant probability changes nothing
    # a battle drawn with half the probability counts twice: the same fit as duplicating it
    half = b["left_source"].eq("m/a") | b["right_source"].eq("m/a")
    weighted = bradley_terry(b.assign(selection_prob=np.where(half, 0.25, 0.5)), n_bootstrap=50)
    doubled = bradley_terry(pd.concat([b, b[half]], ignore_index=True), n_bootstrap=0).table.set_index("source")["elo"]
    assert weighted.table.set_index("source")["elo"].to_dict() == pytest.approx(doubled.to_dict(), abs=1e-4)
    assert weighted.weighted and weighted.n_battles == 900
    assert math.isfinite(weighted.table["ci_low"].iloc[0])
