"""Real data end to end: Stevenson et al. (2022) human vs GPT-3 AUT ratings imported as a
finished likert study and analysed with `creativity-bench analyze --stevenson`."""

from __future__ import annotations

import json

import pytest

from benchmark.analysis.stevenson import AI_SOURCE, HUMAN_SOURCE, PUBLISHED, load_stevenson
from benchmark.cli import main


@pytest.fixture(scope="session")
def stevenson_dir(shared_data):
    d = shared_data / "stevenson-human-vs-gpt3"
    if not (d / "aut_human_vs_gpt3.csv").exists():
        pytest.skip("stevenson-human-vs-gpt3 is not in the shared data folder")
    return d


@pytest.fixture(scope="session")
def stevenson_report(stevenson_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("stevenson-report")
    rc = main(["analyze", "--stevenson", str(stevenson_dir), "--out", str(out), "--n-boot", "200", "--n-perm", "999",
               "--scorers", "semdis_minilm,originality"])
    assert rc == 0
    return out, json.loads((out / "report.json").read_text())


def test_import_is_a_two_rater_likert_study(stevenson_dir):
    data = load_stevenson(stevenson_dir)
    lk = data.likert
    assert set(lk["rater_id"]) == {"MB", "IS"}
    assert set(lk["dimension"]) == {"originality", "utility", "surprise"}
    assert set(lk["source"]) == {HUMAN_SOURCE, AI_SOURCE}
    assert lk["item_id"].nunique() == 1566 and len(data.responses) == 1566
    assert (data.responses["source"] == HUMAN_SOURCE).sum() == 774
    for row in data.reference["published_means"]:
        assert round(row["reproduced"], 2) == PUBLISHED[(row["dimension"], row["source"])]


def test_report_shows_published_means_reliability_effects_and_validity(stevenson_report):
    out, rep = stevenson_report
    assert {(r["dimension"], r["source"]): r["published"] for r in rep["published"]} == PUBLISHED
    rel = {r["dimension"]: r for r in rep["reliability"]}
    assert rel["originality"]["pairwise_r"] == pytest.approx(0.65, abs=0.01)
    assert rel["originality"]["complete_items"] == 147
    assert rel["originality"]["icc_components"]["ICC_agreement_1"] > 0.3
    eff = {r["dimension"]: r for r in rep["comparisons"]}
    assert eff["utility"]["ci_low"] > 0  # GPT-3's uses are rated more useful
    assert eff["originality"]["ci_high"] < 0  # and less original
    assert eff["originality"]["model"].startswith("crossed-reml")
    validity = {(r["scorer"], r["dimension"]): r for r in rep.get("validity", [])}
    assert ("semdis_minilm", "originality") in validity, rep.get("validity_pending")
    v = validity[("semdis_minilm", "originality")]
    assert v["n"] == 1566 and v["pearson_ci"][0] < v["pearson_r"] < v["pearson_ci"][1]
    if ("originality", "originality") not in validity:
        assert "originality" in rep["validity_pending"]
    md = (out / "report.md").read_text()
    assert "## Published figures" in md and "## Validity of automatic scores" in md
    assert "on originality: r = 0.65; here: r = 0.653" in md
    assert (out / "report.html").read_text().count("data:image/png;base64,") == 3
