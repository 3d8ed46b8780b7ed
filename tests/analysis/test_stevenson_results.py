"""The published Stevenson et al. (2022) figures in results/ are what `analyze` computes.

Re-runs the documented command on ../shared/data and compares the committed
results/stevenson2022/report.json figure by figure, so the published numbers cannot drift
from the code (or from the data) without this test saying so.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark.paths import REPO_ROOT

PUBLISHED = REPO_ROOT / "results" / "stevenson2022" / "report.json"


def _close(a, b, *, tol: float = 2e-3) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)


@pytest.fixture(scope="module")
def recomputed(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("stevenson")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmark.cli", "analyze", "--stevenson", str(shared_data / "stevenson-human-vs-gpt3"),
         "--out", str(out)], capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out / "report.json").read_text())


def test_published_files_exist_without_raw_responses():
    folder = PUBLISHED.parent
    for name in ("report.json", "report.md", "report.html"):
        assert (folder / name).stat().st_size > 0
    text = (folder / "report.md").read_text() + PUBLISHED.read_text()
    # derived figures only: no response text of the published data set is committed
    assert "response" not in json.loads(PUBLISHED.read_text()).get("means", [{}])[0]
    assert len(text) < 200_000


def test_published_means_match(recomputed):
    mine = json.loads(PUBLISHED.read_text())
    key = lambda r: (r["dimension"], r["source"])  # noqa: E731
    new = {key(r): r for r in recomputed["published"]}
    for r in mine["published"]:
        assert _close(r["reproduced"], new[key(r)]["reproduced"]), r
    means_new = {key(r): r for r in recomputed["means"]}
    for r in mine["means"]:
        assert _close(r["mean"], means_new[key(r)]["mean"]) and r["n_ratings"] == means_new[key(r)]["n_ratings"], r


def test_reliability_and_effects_match(recomputed):
    mine = json.loads(PUBLISHED.read_text())
    rel_new = {r["dimension"]: r for r in recomputed["reliability"]}
    for r in mine["reliability"]:
        assert _close(r["krippendorff_ordinal"], rel_new[r["dimension"]]["krippendorff_ordinal"]), r["dimension"]
        assert _close(r["pairwise_r"] if not isinstance(r["pairwise_r"], dict) else r["pairwise_r"].get("r"),
                      rel_new[r["dimension"]]["pairwise_r"] if not isinstance(rel_new[r["dimension"]]["pairwise_r"], dict)
                      else rel_new[r["dimension"]]["pairwise_r"].get("r"))
    cmp_new = {(r["scope"], r["dimension"], r["contrast"]): r for r in recomputed["comparisons"]}
    for r in mine["comparisons"]:
        n = cmp_new[(r["scope"], r["dimension"], r["contrast"])]
        for f in ("estimate", "ci_low", "ci_high", "clm_or", "clm_or_ci_low", "clm_or_ci_high"):
            assert _close(r.get(f), n.get(f)), (r["dimension"], f)
    overall_new = {r["source"]: r for r in recomputed["overall"]}
    for r in mine["overall"]:
        assert _close(r["score"], overall_new[r["source"]]["score"]) and r["n_items"] == overall_new[r["source"]]["n_items"]


def test_scorer_validity_matches(recomputed):
    mine = json.loads(PUBLISHED.read_text())
    new = {(r["scorer"], r["dimension"]): r for r in recomputed["validity"]}
    assert mine["validity"], "the published report should carry scorer validity"
    for r in mine["validity"]:
        assert _close(r["pearson_r"], new[(r["scorer"], r["dimension"])]["pearson_r"]), r["scorer"]
