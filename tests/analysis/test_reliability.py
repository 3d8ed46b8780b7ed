"""Reliability: published reference values and the rater screening rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmark.analysis import ExclusionRules, apply_exclusions, dimension_reliability, krippendorff_alpha, shrout_fleiss_icc
from benchmark.analysis.reliability import guesses_alpha, loo_agreement

# Shrout & Fleiss (1979), Table 2: 6 targets x 4 judges
SF_ROWS = [(9, 2, 5, 8), (6, 1, 3, 2), (8, 4, 6, 8), (7, 1, 2, 6), (10, 5, 6, 9), (6, 2, 4, 7)]
SF_EXPECTED = {"ICC(1,1)": 0.1657, "ICC(2,1)": 0.2898, "ICC(3,1)": 0.7148,
               "ICC(1,k)": 0.4428, "ICC(2,k)": 0.6201, "ICC(3,k)": 0.9093}

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers x 12 units
_ = np.nan
K_DATA = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
])


def test_shrout_fleiss_all_six_forms():
    icc = shrout_fleiss_icc(pd.DataFrame(SF_ROWS, columns=list("ABCD"))).set_index("form")
    for form, expected in SF_EXPECTED.items():
        assert icc.loc[form, "icc"] == pytest.approx(expected, abs=5e-5), form
        assert icc.loc[form, "ci_low"] < icc.loc[form, "icc"] < icc.loc[form, "ci_high"]


@pytest.mark.parametrize("level,expected", [("nominal", 0.7434), ("interval", 0.8491), ("ordinal", 0.8154)])
def test_krippendorff_2011_reference(level, expected):
    assert krippendorff_alpha(K_DATA, level) == pytest.approx(expected, abs=5e-5)


def test_loo_consensus_flags_a_random_rater_and_exclusions_are_reported(likert_df):
    d = likert_df.copy()
    d["is_check"] = False
    d["check_passed"] = None
    rng = np.random.default_rng(5)
    noisy = d["rater_id"] == "r0"
    d.loc[noisy, "value"] = rng.integers(1, 6, noisy.sum()).astype(float)  # r0 answers at random
    d.loc[d["rater_id"] == "r1", "rt_s"] = 1.0  # r1 clicks through
    checks = pd.DataFrame({"item_id": ["chk1", "chk2"], "rater_id": ["r2", "r2"], "dimension": "originality",
                           "value": [1.0, 1.0], "source": "check/attention", "is_check": True,
                           "check_passed": [False, False], "rt_s": 10.0})
    d = pd.concat([d, checks], ignore_index=True)
    loo = loo_agreement(d[~d["is_check"]]).groupby("rater_id")["loo_r"].mean()
    assert loo["r0"] < 0.3 < loo.drop("r0").min()
    kept, raters, excluded = apply_exclusions(d, ExclusionRules(max_failed_checks=1, min_median_rt_s=3, min_loo_r=0.3))
    reasons = excluded.set_index("rater_id")["reason"]
    assert set(reasons.index) == {"r0", "r1", "r2"}
    assert "agreement" in reasons["r0"] and "median 1.0 s" in reasons["r1"] and "failed 2 attention" in reasons["r2"]
    assert not kept["rater_id"].isin(["r0", "r1", "r2"]).any()
    assert not kept["is_check"].any()  # attention-check rows never enter the analysis
    assert raters.set_index("rater_id").loc["r2", "failed_checks"] == 2


def test_incomplete_design_uses_variance_components(likert_df):
    d = likert_df[likert_df["dimension"] == "originality"]
    rel = dimension_reliability(d, "originality")
    assert rel.ratings_per_item == pytest.approx(3.0)
    comp = rel.icc_components
    assert comp is not None and 0.3 < comp["ICC_agreement_1"] < comp["ICC_agreement_k"] < 1
    assert comp["ICC_agreement_1"] <= comp["ICC_consistency_1"]
    assert 0.3 < rel.krippendorff_ordinal < 1


def test_guesses_alpha_is_nominal_and_perfect_for_identical_raters():
    g = pd.DataFrame({"item_id": [f"t{i}" for i in range(6)] * 2, "rater_id": ["a"] * 6 + ["b"] * 6,
                      "guess": ["human", "ai", "ai", "human", "ai", "human"] * 2})
    assert guesses_alpha(g) == pytest.approx(1.0)
