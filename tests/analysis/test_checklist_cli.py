"""Issue 13 done-when: `analyze` on a yes/no long CSV, with no flag, reports per-dimension
and overall pass rates with CIs, Fleiss' kappa and nominal alpha, and a binomial mixed
model for human vs each AI source; the summary comes first."""

from __future__ import annotations

import json

from benchmark.cli import main
from tests.analysis.conftest import simulate_checklist


def test_yes_no_csv_gets_binary_statistics_without_flags(tmp_path, capsys):
    path = tmp_path / "checklist.csv"
    simulate_checklist(n_items=36).to_csv(path, index=False)
    out = tmp_path / "report"
    assert main(["analyze", "--ratings", str(path), "--out", str(out), "--n-boot", "200", "--n-perm", "199"]) == 0
    err = capsys.readouterr().err
    assert "plot: no declared scale; inferred binary" in err  # the inference is printed
    rep = json.loads((out / "report.json").read_text())
    assert {d: s["kind"] for d, s in rep["scales"].items()} == dict.fromkeys(("imagery", "plot", "surprise", "voice"), "binary")
    # per-dimension pass rates with both CIs, and overall pass rates per source
    pr = rep["pass_rates"]
    assert len(pr) == 3 * 4 and all(r["wilson_low"] < r["pass_rate"] < r["wilson_high"] for r in pr)
    assert all(r["boot_low"] <= r["pass_rate"] <= r["boot_high"] for r in pr)
    overall = {r["source"]: r for r in rep["overall"]}
    assert rep["overall_unit"] == "pass rate" and set(overall) == {"human/writers", "m/alpha", "m/beta"}
    assert all(r["ci_low"] < r["score"] < r["ci_high"] and r["n_dimensions"] == 4 for r in overall.values())
    # agreement for nominal data, not ICCs
    rel = {r["dimension"]: r for r in rep["reliability"]}
    assert all(r["scale"] == "binary" and -1 < r["fleiss_kappa"] < 1 and r["alpha_level"] == "nominal"
               for r in rel.values())
    assert all("icc" not in r for r in rel.values())
    # a binomial mixed model for human vs each AI source, per test and overall
    rows = [r for r in rep["comparisons"] if r["scale"] == "binary"]
    assert {r["contrast"] for r in rows} == {"AI vs human", "m/alpha vs human", "m/beta vs human"}
    assert all(r["model"].startswith("binomial GLMM") and r["or_ci_low"] < r["odds_ratio"] < r["or_ci_high"]
               for r in rows)
    assert all(r["n_ratings_human"] > 0 and r["n_items_ai"] > 0 for r in rows)
    models = {r["source"]: r for r in rep["overall_models"]}
    assert set(models) == {"m/alpha", "m/beta"} and models["m/alpha"]["odds_ratio"] < 1
    assert "C(dimension)" in models["m/alpha"]["model"]
    # words first: the summary paragraph leads the report, and the methods name the model
    assert "passed" in rep["summary"] and "of the tests" in rep["summary"]
    md = (out / "report.md").read_text()
    assert md.index("## Summary") < md.index("## Reliability") < md.index("## Methods")
    assert "binomial generalised linear mixed model" in rep["methods"] and "Fleiss' kappa" in rep["methods"]
    html = (out / "report.html").read_text()
    assert "<h2>Summary</h2>" in html and "<table>" in html and html.count("data:image/png;base64,") == 3
