"""Bradley-Terry as Chatbot Arena fits it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from benchmark.analysis import battles_to_outcomes, bradley_terry, fit_bt, ranks_from_ci
from benchmark.analysis.pairwise import ELO_SCALE
from benchmark.errors import BenchError


def _battles(pairs: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    rows = [(a, b, w) for a, b, w, n in pairs for _ in range(n)]
    return pd.DataFrame(rows, columns=["left_source", "right_source", "winner"])


def test_seven_wins_to_three_gives_log_odds():
    o = battles_to_outcomes(_battles([("human/p", "m/x", "left", 7), ("human/p", "m/x", "right", 3)]))
    beta = dict(zip(o.sources, fit_bt(o)))
    assert beta["human/p"] - beta["m/x"] == pytest.approx(math.log(7 / 3), abs=1e-6)


def test_ties_count_half_a_win_and_both_bad_option():
    # 5 wins, 0 losses, 4 ties == 7 wins to 2 losses
    b = _battles([("a/x", "b/y", "left", 5), ("b/y", "a/x", "tie", 4), ("a/x", "b/y", "both_bad", 2)])
    tie = bradley_terry(b, n_bootstrap=0, both_bad="drop").table.set_index("source")
    assert (tie.loc["a/x", "beta"] - tie.loc["b/y", "beta"]) == pytest.approx(math.log(7 / 2), abs=1e-6)
    as_tie = bradley_terry(b, n_bootstrap=0, both_bad="tie").table.set_index("source")
    assert (as_tie.loc["a/x", "beta"] - as_tie.loc["b/y", "beta"]) == pytest.approx(math.log(8 / 3), abs=1e-6)


def test_matches_sklearn_logistic_regression_and_human_anchor():
    rng = np.random.default_rng(0)
    sources = ["human/pool", "m/a", "m/b", "m/c", "m/d"]
    strength = dict(zip(sources, [0.0, 0.8, -0.5, 0.3, 1.2]))
    rows = []
    for _ in range(3000):
        a, b = rng.choice(sources, 2, replace=False)
        p = 1 / (1 + np.exp(-(strength[a] - strength[b])))
        u = rng.random()
        rows.append((a, b, "tie" if abs(u - p) < 0.05 else ("left" if u < p else "right")))
    df = pd.DataFrame(rows, columns=["left_source", "right_source", "winner"])
    res = bradley_terry(df, n_bootstrap=100, seed=1)
    t = res.table.set_index("source")
    assert t.loc["human/pool", "elo"] == pytest.approx(1000.0)
    # reference: the older Chatbot Arena fit, logistic regression on +1/-1 rows, ties as half a win each
    idx = {s: i for i, s in enumerate(sources)}
    X, y, w = [], [], []
    for a, b, win in rows:
        x = np.zeros(len(sources))
        x[idx[a]], x[idx[b]] = 1, -1
        for label, weight in ((1, {"left": 1, "right": 0, "tie": 0.5}[win]), (0, {"left": 0, "right": 1, "tie": 0.5}[win])):
            if weight:
                X.append(x)
                y.append(label)
                w.append(weight)
    lr = LogisticRegression(fit_intercept=False, C=np.inf, tol=1e-10, max_iter=1000).fit(np.array(X), y, sample_weight=w)
    ref = ELO_SCALE * (lr.coef_[0] - lr.coef_[0][idx["human/pool"]]) + 1000
    for s in sources:
        assert t.loc[s, "elo"] == pytest.approx(ref[idx[s]], abs=0.5)
        assert t.loc[s, "ci_low"] <= t.loc[s, "elo"] <= t.loc[s, "ci_high"]
    assert t.loc["m/d", "rank"] == 1 and t.loc["m/b", "rank"] == len(sources)


def test_rank_rule_counts_sources_whose_lower_bound_beats_my_upper_bound():
    lo = np.array([10, 8, 1, 0.5])
    hi = np.array([12, 11, 9, 2])
    # third: only the first lower bound (10) exceeds its upper bound (9); fourth: 10 and 8 exceed 2
    assert list(ranks_from_ci(lo, hi)) == [1, 1, 2, 3]


def test_pooled_humans_and_bad_input():
    b = _battles([("human/a", "m/x", "left", 3), ("human/b", "m/x", "right", 2), ("m/x", "human/a", "tie", 1)])
    res = bradley_terry(b, n_bootstrap=20)
    assert set(res.table["source"]) == {"human/pooled", "m/x"}
    assert res.table.set_index("source").loc["human/pooled", "elo"] == pytest.approx(1000.0)
    with pytest.raises(BenchError, match="unknown winner"):
        bradley_terry(_battles([("a/x", "b/y", "draw", 1)]))
    undefeated = bradley_terry(_battles([("a/x", "b/y", "left", 3)]), n_bootstrap=5)
    assert any("never" in w for w in undefeated.warnings)
