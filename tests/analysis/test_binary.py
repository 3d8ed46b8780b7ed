"""Yes/no judgments: published agreement examples, pass rates, the binomial mixed model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from benchmark.analysis.binary import binary_reliability, fleiss, pass_rates
from benchmark.analysis.glmm import fit_binomial_crossed, separation

# Fleiss (1971), Table 1: 30 patients, each diagnosed by 6 of many psychiatrists into 5
# categories (rows list the 6 diagnoses); published kappa = .430 (P-bar .556, P-e .220)
FLEISS_1971 = """444444 222555 233335 555555 222444 113333 333355 113334 114444 555555
144444 124444 222333 144444 224445 333335 111455 111112 224444 133555
555555 244444 224555 114444 144445 222224 111155 224444 133333 555555"""

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", A: binary data,
# two observers, ten units; published alpha = 0.095
K2011_A = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
K2011_B = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]


def test_fleiss_kappa_on_fleiss_1971():
    rows = [(f"p{i}", f"slot{j}", int(c)) for i, r in enumerate(FLEISS_1971.split()) for j, c in enumerate(r)]
    d = pd.DataFrame(rows, columns=["item_id", "rater_id", "value"])
    k = fleiss(d)
    assert k["kappa"] == pytest.approx(0.430, abs=5e-4)
    assert (k["n_items"], k["raters_per_item"], k["note"]) == (30, 6, None)
    # an item judged by fewer raters is left out, and the note says so
    k2 = fleiss(pd.concat([d, pd.DataFrame([("extra", "slot0", 1)], columns=d.columns)]))
    assert k2["n_items"] == 30 and "30 of 31 items" in k2["note"]


def test_nominal_alpha_on_krippendorff_2011_binary_example():
    d = pd.DataFrame({"item_id": [f"u{i}" for i in range(10)] * 2, "rater_id": ["A"] * 10 + ["B"] * 10,
                      "value": K2011_A + K2011_B})
    rel = binary_reliability(d, "test")
    assert rel["krippendorff_alpha"] == pytest.approx(0.095, abs=5e-4)
    assert rel["alpha_level"] == "nominal" and rel["percent_agreement"] == pytest.approx(0.6)


def test_pass_rates_wilson_and_item_bootstrap():
    d = pd.DataFrame({"item_id": np.repeat([f"i{i}" for i in range(20)], 3), "rater_id": ["a", "b", "c"] * 20,
                      "source": "m/x", "dimension": "plot", "value": ([1, 1, 0] * 10) + ([0, 0, 0] * 10)})
    r = pass_rates(d, ["source", "dimension"], n_boot=500).iloc[0]
    assert (r["n_judgments"], r["n_items"], r["passed"]) == (60, 20, 20)
    lo, hi = proportion_confint(20, 60, method="wilson")
    assert (r["wilson_low"], r["wilson_high"]) == pytest.approx((lo, hi))
    # items, not judgments, are resampled: half the items never pass, so the CI is wider than Wilson's
    assert r["boot_low"] < lo and r["boot_high"] > hi


def test_binomial_glmm_recovers_known_effect_and_refuses_separation():
    rng = np.random.default_rng(7)
    item, rater = rng.normal(0, 0.8, 400), rng.normal(0, 0.6, 20)
    rows = []
    for i in range(400):
        for r in rng.choice(20, 4, replace=False):
            eta = 0.3 - 0.8 * (i % 2) + item[i] + rater[r]
            rows.append((f"i{i}", f"r{r}", i % 2, int(rng.random() < 1 / (1 + np.exp(-eta)))))
    d = pd.DataFrame(rows, columns=["item_id", "rater_id", "is_ai", "value"])
    fit = fit_binomial_crossed(d, "is_ai")
    t = fit.term("is_ai")
    assert fit.converged and fit.method.startswith("binomial GLMM")
    assert t["ci_low"] < -0.8 < t["ci_high"] and abs(t["estimate"] + 0.8) < 0.25
    assert t["odds_ratio"] == pytest.approx(np.exp(t["estimate"]))
    assert 0.2 < fit.variances["item"] < 1.2 and 0.1 < fit.variances["rater"] < 0.8
    allpass = d.assign(value=np.where(d["is_ai"] == 1, 1, d["value"]))
    assert "complete separation" in separation(allpass)
