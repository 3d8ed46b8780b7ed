"""Turing mode: accuracy with binomial CIs, d' and criterion, shares judged human."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from benchmark.analysis import analyze_guesses, sdt


def test_dprime_without_and_with_loglinear_correction():
    s = sdt(80, 100, 20, 100, correction="none")
    assert s["d_prime"] == pytest.approx(2 * stats.norm.ppf(0.8))
    assert s["criterion"] == pytest.approx(0.0, abs=1e-12)
    perfect = sdt(10, 10, 0, 10)  # loglinear: (10.5/11, 0.5/11) keeps d' finite
    assert perfect["d_prime"] == pytest.approx(stats.norm.ppf(10.5 / 11) - stats.norm.ppf(0.5 / 11))


def test_guess_analysis():
    rows = []
    for r in range(4):
        for i in range(10):
            rows.append({"item_id": f"h{i}", "rater_id": f"r{r}", "source": "human/p", "guess": "human" if i < 7 else "ai"})
            rows.append({"item_id": f"m{i}", "rater_id": f"r{r}", "source": "m/x", "guess": "ai" if i < 6 else "human"})
    out = analyze_guesses(pd.DataFrame(rows))
    acc = out["accuracy"]
    assert acc["k"] == 4 * (7 + 6) and acc["n"] == 80
    lo, hi = proportion_confint(52, 80, method="wilson")
    assert (acc["ci_low"], acc["ci_high"]) == pytest.approx((lo, hi))
    shares = {r["source"]: r["judged_human"] for r in out["per_source"]}
    assert shares == {"human/p": pytest.approx(0.7), "m/x": pytest.approx(0.4)}
    assert out["sdt_pooled"]["d_prime"] > 0
    assert out["krippendorff_nominal"] == pytest.approx(1.0)  # all raters guessed identically
