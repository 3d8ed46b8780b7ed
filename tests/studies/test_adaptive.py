"""Adaptive pair selection (pure functions): the posterior, the gains, the probabilities
that the fit needs, and the uniform share that keeps every pair possible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmark.analysis import battles_to_outcomes, fit_bt
from benchmark.errors import BenchError
from benchmark.studies.adaptive import (
    choose_pairs, fit_posterior, ipw_weights, selection_probabilities, uniform_candidates,
)


def _battles(pairs: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    rows = [(a, b, w) for a, b, w, n in pairs for _ in range(n)]
    return pd.DataFrame(rows, columns=["left_source", "right_source", "winner"])


def test_posterior_matches_the_mle_with_much_data_and_stays_finite_with_none():
    rng = np.random.default_rng(0)
    s = {"human/p": 0.0, "m/a": 0.8, "m/b": -0.5}
    rows = []
    for _ in range(6000):
        a, b = rng.choice(list(s), 2, replace=False)
        rows.append((a, b, "left" if rng.random() < 1 / (1 + np.exp(-(s[a] - s[b]))) else "right"))
    b = pd.DataFrame(rows, columns=["left_source", "right_source", "winner"])
    post = fit_posterior(b, sorted(s), prior_sd=10.0)
    mle = fit_bt(battles_to_outcomes(b))  # sources in sorted order, the first fixed at 0
    assert post.mean - post.mean[0] == pytest.approx(mle, abs=0.01)
    empty = fit_posterior(None, sorted(s), prior_sd=1.5)
    assert np.allclose(empty.mean, 0) and np.allclose(np.diag(empty.cov), 1.5**2)
    unbeaten = fit_posterior(_battles([("m/a", "m/b", "left", 20)]), ["m/a", "m/b"])
    assert np.isfinite(unbeaten.mean).all() and unbeaten.mean[0] > unbeaten.mean[1]


def test_gain_prefers_uncertain_close_pairs_and_probabilities_are_a_mixture():
    # a vs b decided (95 to 5); b vs c close and little seen; a vs c never met
    b = _battles([("m/a", "m/b", "left", 95), ("m/a", "m/b", "right", 5), ("m/b", "m/c", "left", 2),
                  ("m/b", "m/c", "right", 2)])
    cand = uniform_candidates(["m/a", "m/b", "m/c"])
    p = selection_probabilities(b, cand, explore=0.3).set_index(["left_source", "right_source"])
    assert p.loc[("m/a", "m/b"), "gain"] < p.loc[("m/b", "m/c"), "gain"]
    assert p["probability"].sum() == pytest.approx(1.0) and (p["probability"] >= 0.3 / 3 - 1e-12).all()
    assert p["probability"].to_numpy() == pytest.approx(0.1 + 0.7 * p["gain"].to_numpy() / p["gain"].sum())


def test_choose_pairs_is_seeded_and_carries_the_selection_probability():
    cand = uniform_candidates(["human/p", "m/a", "m/b", "m/c"])
    assert len(cand) == 6
    b = _battles([("human/p", "m/a", "left", 3), ("m/b", "m/c", "right", 2)])
    one = choose_pairs(b, cand, 50, rng=7)
    two = choose_pairs(b, cand, 50, rng=7)
    pd.testing.assert_frame_equal(one, two)
    probs = selection_probabilities(b, cand).set_index(["left_source", "right_source"])["probability"]
    for r in one.itertuples():
        assert r.probability == pytest.approx(probs[(r.left_source, r.right_source)])
    w = ipw_weights(one["probability"])
    assert w.mean() == pytest.approx(1.0) and (w > 0).all()


def test_bad_arguments_are_one_clear_error():
    cand = uniform_candidates(["m/a", "m/b"])
    with pytest.raises(BenchError, match="explore"):
        selection_probabilities(None, cand, explore=0)
    with pytest.raises(BenchError, match="same source"):
        selection_probabilities(None, pd.DataFrame({"left_source": ["m/a"], "right_source": ["m/a"]}))
    with pytest.raises(BenchError, match="unknown winner"):
        fit_posterior(_battles([("m/a", "m/b", "draw", 1)]), ["m/a", "m/b"])
    with pytest.raises(BenchError, match=r"\(0, 1\]"):
        ipw_weights([0.5, 0.0])
