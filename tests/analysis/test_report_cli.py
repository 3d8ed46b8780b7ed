"""`creativity-bench analyze` end to end on long-format files: the three report files,
plots, exclusions, pairwise and turing sections, and one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from benchmark.cli import main
from tests.analysis.conftest import simulate_likert


def test_analyze_likert_file_writes_report_with_plots(tmp_path, capsys):
    d = simulate_likert(dims=("originality", "utility"))
    d["is_check"] = False
    d["check_passed"] = None
    checks = pd.DataFrame({"item_id": ["chk1", "chk2"], "rater_id": "r3", "dimension": "originality", "value": 5.0,
                           "source": "check/attention", "is_check": True, "check_passed": [False, False], "rt_s": 9.0})
    path = tmp_path / "ratings.csv"
    pd.concat([d, checks], ignore_index=True).to_csv(path, index=False)
    out = tmp_path / "report"
    rc = main(["analyze", "--ratings", str(path), "--out", str(out), "--n-boot", "100", "--n-perm", "199",
               "--exclude-failed-checks", "2"])
    assert rc == 0, capsys.readouterr().err
    rep = json.loads((out / "report.json").read_text())
    assert rep["excluded"] == [{"rater_id": "r3", "reason": "failed 2 attention check(s) (limit 2)"}]
    assert [r["dimension"] for r in rep["reliability"]] == ["originality", "utility"]
    assert {c["dimension"] for c in rep["comparisons"]} == {"originality", "utility"}
    assert rep["settings"]["seed"] == 0 and "statsmodels" in rep["versions"]
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3  # distributions, reliability, forest
    md = (out / "report.md").read_text()
    assert "## Human vs AI" in md and "r3" in md
    for name in ("distributions", "reliability", "forest"):
        assert (out / "plots" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_analyze_battles_and_guesses(tmp_path):
    rng = np.random.default_rng(0)
    srcs = ["human/p", "m/a", "m/b"]
    rows = []
    for _ in range(300):
        a, b = rng.choice(srcs, 2, replace=False)
        rows.append({"study_id": "s", "rater_id": f"r{rng.integers(5)}", "dimension": "creativity", "left_item": "x",
                     "right_item": "y", "left_source": a, "right_source": b,
                     "winner": rng.choice(["left", "right", "tie", "both_bad"], p=[0.45, 0.35, 0.1, 0.1])})
    pd.DataFrame(rows).to_json(tmp_path / "battles.jsonl", orient="records", lines=True)
    guesses = pd.DataFrame({"study_id": "s", "item_id": [f"t{i % 20}" for i in range(80)],
                            "rater_id": [f"r{i // 20}" for i in range(80)],
                            "source": ["human/p" if i % 20 < 10 else "m/a" for i in range(80)],
                            "guess": rng.choice(["human", "ai"], 80), "confidence": 3})
    guesses.to_parquet(tmp_path / "guesses.parquet")
    out = tmp_path / "rep"
    assert main(["analyze", "--ratings", str(tmp_path / "battles.jsonl"), "--ratings", str(tmp_path / "guesses.parquet"),
                 "--out", str(out), "--n-boot", "100"]) == 0
    rep = json.loads((out / "report.json").read_text())
    ratings = {r["source"]: r for r in rep["pairwise"]["creativity"]["ratings"]}
    assert ratings["human/p"]["elo"] == 1000.0
    assert rep["turing"]["accuracy"]["n"] == 80
    assert (out / "plots" / "bt_creativity.png").exists() and (out / "plots" / "turing.png").exists()


def test_bad_columns_are_one_line_and_exit_2(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    pd.DataFrame({"item": [1], "score": [3]}).to_csv(p, index=False)
    assert main(["analyze", "--ratings", str(p), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot tell the kind of ratings" in err
    assert not (tmp_path / "o").exists()
    assert main(["analyze", "--out", str(tmp_path / "o")]) == 2


def test_degenerate_designs_give_notes_not_crashes():
    from benchmark.analysis import StudyData, analyze_ratings
    from benchmark.analysis.loaders import normalise

    d = pd.DataFrame({"item_id": [f"i{i}" for i in range(10)], "rater_id": [f"r{i}" for i in range(10)],
                      "dimension": "originality", "value": np.arange(10) % 5 + 1, "source": ["human/p", "m/y"] * 5})
    rep = analyze_ratings(StudyData(likert=normalise(d, "likert")), n_boot=20, n_perm=99).data
    assert "no item was rated by two raters" in " ".join(rep["reliability"][0]["notes"])
    flat = analyze_ratings(StudyData(likert=normalise(d.assign(value=3), "likert")), n_boot=20, n_perm=99).data
    row = flat["comparisons"][0]
    assert row["model"] == "ols-cluster-item (fallback)" and row["hedges_g"] is None
    assert any("all ratings are equal" in n for n in flat["notes"])


def test_analyze_help_fits_80_columns():
    """Issue 11 item 15: the help text (and its examples) is not cut off at 80 columns."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    out = subprocess.run([sys.executable, "-m", "benchmark.cli", "analyze", "--help"], capture_output=True, text=True,
                         env=env, timeout=120).stdout
    assert "--scale" in out and "creativity-bench analyze --ratings checklist.csv" in out
    assert "…" not in out and max(len(line) for line in out.splitlines()) <= 80
