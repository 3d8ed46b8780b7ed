"""Effect sizes, cluster bootstrap, permutation tests and multiple-testing control."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from benchmark.analysis import adjust_pvalues, compare_human_ai, effect_sizes, permutation_p, top_k_comparison
from tests.analysis.conftest import simulate_likert


def test_holm_and_bh_reference_vectors():
    adj = adjust_pvalues([0.01, 0.02, 0.03, 0.04, 0.2])
    np.testing.assert_allclose(adj["holm"], [0.05, 0.08, 0.09, 0.09, 0.2])
    np.testing.assert_allclose(adj["fdr_bh"], [0.05, 0.05, 0.05, 0.05, 0.2])


def test_point_estimates_match_pingouin_and_mann_whitney(likert_df):
    d = likert_df[likert_df["dimension"] == "originality"].assign(
        group=lambda x: np.where(x["source"].str.startswith("human/"), "human", "ai"))
    es = effect_sizes(d, "group", "human", "ai", n_boot=200)
    x = d.loc[d["group"] == "human", "value"].to_numpy()
    y = d.loc[d["group"] == "ai", "value"].to_numpy()
    assert es["hedges_g"] == pytest.approx(pg.compute_effsize(y, x, eftype="hedges"), rel=1e-3)
    u = stats.mannwhitneyu(y, x).statistic
    assert es["cliffs_delta"] == pytest.approx(2 * u / (len(x) * len(y)) - 1, abs=1e-12)
    assert es["g_ci"][0] < es["hedges_g"] < es["g_ci"][1]


def test_cluster_bootstrap_resamples_items_not_ratings():
    """20 ratings per item that barely differ within an item: the information is in the
    items, so an item-level CI must be far wider than a naive rating-level one."""
    rng = np.random.default_rng(1)
    rows = []
    for i in range(30):
        group = "human" if i % 2 else "ai"
        centre = rng.normal(3 + 0.3 * (group == "ai"), 1.0)
        for r in range(20):
            rows.append({"item_id": f"i{i}", "group": group, "value": float(np.clip(np.rint(centre + rng.normal(0, 0.2)), 1, 5))})
    d = pd.DataFrame(rows)
    es = effect_sizes(d, "group", "human", "ai", n_boot=500, seed=3)
    naive = stats.bootstrap((d.loc[d.group == "ai", "value"].to_numpy(), d.loc[d.group == "human", "value"].to_numpy()),
                            lambda a, b: pg.compute_effsize(a, b, eftype="hedges"),
                            vectorized=False, n_resamples=300, method="percentile", rng=np.random.default_rng(0))
    naive_width = naive.confidence_interval.high - naive.confidence_interval.low
    assert es["g_ci"][1] - es["g_ci"][0] > 2.5 * naive_width


def test_permutation_test_and_top_k(likert_df):
    d = likert_df[likert_df["dimension"] == "originality"].assign(
        group=lambda x: np.where(x["source"].str.startswith("human/"), "human", "ai"))
    assert permutation_p(d, "group", "human", "ai", n_resamples=999) < 0.05
    shuffled = d.assign(group=d["item_id"].map(lambda i: "human" if int(i[1:]) < 30 else "ai"))
    assert permutation_p(shuffled, "group", "human", "ai", n_resamples=999, seed=1) > 0.05
    tk = top_k_comparison(d, "group", "human", "ai", k=5, n_boot=300)
    means = d.groupby(["group", "item_id"])["value"].mean()
    assert tk["ai"] == pytest.approx(means["ai"].nlargest(5).mean())
    assert tk["difference_ci"][0] <= tk["difference"] <= tk["difference_ci"][1]


def test_compare_human_ai_family_adjustment(likert_df):
    table, notes = compare_human_ai(likert_df, n_boot=200, n_perm=499)
    assert list(table["dimension"]) == ["originality", "utility"]
    assert (table["estimate"] > 0).all() and (table["ci_low"] > 0).all()  # the simulated AI effect is +0.6
    assert (table["p_model_holm"] >= table["p_model"]).all()
    assert table["model"].str.startswith("crossed-reml").all()


def test_per_task_scopes_and_per_model_contrasts():
    a = simulate_likert(seed=1)
    b = simulate_likert(seed=2, effect=-0.8).assign(task_id="consequences")
    b["item_id"] = "c-" + b["item_id"]  # other responses, same raters
    b.loc[b["source"] != "human/simulated", "source"] = "test/other-model"
    table, _ = compare_human_ai(pd.concat([a, b], ignore_index=True), n_boot=100, n_perm=199)
    keys = set(zip(table["scope"], table["contrast"]))
    assert {("all tasks", "AI vs human"), ("aut", "AI vs human"), ("consequences", "AI vs human"),
            ("all tasks", "test/model vs human"), ("all tasks", "test/other-model vs human")} <= keys
    rows = table.set_index(["scope", "contrast"])
    assert rows.loc[("aut", "AI vs human"), "estimate"] > 0 > rows.loc[("consequences", "AI vs human"), "estimate"]
    assert len(table) == table["p_perm_bh"].notna().sum()  # one family across every row
