"""Crossed random-effects model: simulate and recover, cross-check, fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmark.analysis import fit_crossed
from tests.analysis.conftest import simulate_likert


def _gaussian(n_raters=80, n_items=400, k=4, effect=0.5, v_rater=0.25, v_item=0.64, v_error=1.0, seed=3):
    rng = np.random.default_rng(seed)
    ra = rng.normal(0, np.sqrt(v_rater), n_raters)
    it = rng.normal(0, np.sqrt(v_item), n_items)
    rows = []
    for i in range(n_items):
        for r in rng.choice(n_raters, k, replace=False):
            rows.append((f"i{i}", f"r{r}", i % 2, 3 + effect * (i % 2) + ra[r] + it[i] + rng.normal(0, np.sqrt(v_error))))
    return pd.DataFrame(rows, columns=["item_id", "rater_id", "is_ai", "value"])


def test_simulate_and_recover_known_variances_and_effect():
    fit = fit_crossed(_gaussian(), "is_ai")
    assert fit.converged and fit.method.startswith("crossed-reml")
    eff = fit.term("is_ai")
    assert eff["ci_low"] < 0.5 < eff["ci_high"]
    for name, true in (("rater", 0.25), ("item", 0.64), ("residual", 1.0)):
        lo, hi = fit.variance_ci[name]
        assert lo < true < hi, (name, fit.variances[name], lo, hi)


def test_sparse_reml_matches_statsmodels_mixedlm():
    d = _gaussian(n_raters=15, n_items=60, k=3, seed=2)
    ours = fit_crossed(d, "is_ai")
    ref = fit_crossed(d, "is_ai", engine="statsmodels")
    assert ref.method == "statsmodels-mixedlm-reml"
    assert ours.term("is_ai")["estimate"] == pytest.approx(ref.term("is_ai")["estimate"], abs=1e-4)
    # statsmodels SEs also carry the uncertainty of the variance parameters: close, not equal
    assert ours.term("is_ai")["se"] == pytest.approx(ref.term("is_ai")["se"], rel=1e-2)
    for name in ("item", "rater", "residual"):
        assert ours.variances[name] == pytest.approx(ref.variances[name], rel=1e-3, abs=1e-5)


def test_fallback_is_labelled_and_explained():
    d = simulate_likert()
    d["is_ai"] = (d["source"] == "test/model").astype(int)
    d["copy"] = d["is_ai"]  # collinear fixed effects: the mixed model cannot be solved
    fit = fit_crossed(d, "is_ai + copy")
    assert not fit.converged and "fallback" in fit.method
    assert "ordinary least squares" in fit.warnings[0] and "clustered by item" in fit.warnings[0]
