"""`make run`'s command, on the smoke suite, from a clean temporary folder.

Runs the real CLI in a subprocess with the embedded SmolLM2 model and checks what a
researcher sees: the leaderboard files, the terminal table with human medians and
percentiles, the report with its plot, and the printed next commands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from benchmark.paths import REPO_ROOT


@pytest.fixture(scope="module")
def smoke_eval(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    work = tmp_path_factory.mktemp("clean")
    out = work / "out"
    env = dict(os.environ, HF_HUB_OFFLINE="1", CREATIVITY_BENCH_CACHE=str(work / "cache"))
    cmd = [sys.executable, "-m", "benchmark.cli", "evaluate", "--model", "llamacpp/smollm2",
           "--suite", "smoke", "--out", str(out), "--quiet"]
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=900)
    return proc, out


def test_evaluate_smoke_writes_leaderboard_and_report(smoke_eval):
    proc, out = smoke_eval
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in ("leaderboard.csv", "leaderboard.json", "leaderboard.md", "leaderboard.html",
                 "summary.csv", "report.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 0, name
    run_dirs = list((out / "runs").iterdir())
    assert len(run_dirs) == 1
    run = run_dirs[0]
    responses = pd.read_parquet(run / "responses.parquet")
    assert len(responses) >= 5 and responses["error"].isna().all()
    manifest = json.loads((run / "manifest.json").read_text())
    assert "seed" in json.dumps(manifest) and "llama" in json.dumps(manifest).lower()
    # each session records the llama.cpp build that generated it (the backend block holds the latest)
    assert all(s.get("system_info") == manifest["backend"]["system_info"] for s in manifest["sessions"])
    lb = pd.read_csv(out / "leaderboard.csv")
    assert set(lb["source"]) == {"llamacpp/smollm2"}
    assert {"aut", "dat", "rat"} <= set(lb["task_id"])


def test_terminal_table_has_human_figures(smoke_eval):
    proc, out = smoke_eval
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "human median" in proc.stdout and "human %ile of typical answer" in proc.stdout
    summary = pd.read_csv(out / "summary.csv")
    # AUT originality has a human norm committed under tasks/norms/
    normed = summary[summary["human_percentile"].notna()]
    assert "aut" in set(normed["task_id"]), summary.to_string()
    # a Remote Associates accuracy is "solved k of n", never a human percentile (0 solved read as the 34th)
    rat = summary.set_index("task_id").loc["rat"]
    assert pd.isna(rat["human_percentile"]) and rat["solved"].endswith(" of 2")
    assert f"solved {rat['solved']}" in proc.stdout and "no human solve rates for these items" in proc.stdout
    # one prompt (the haiku item): the CI is over responses or, for one answer, says there is none
    assert "[, ]" not in proc.stdout and "[-, -]" not in proc.stdout
    assert normed["human_percentile"].between(0, 100).all()
    # a task answered once (the smoke haiku, now normed) has a percentile but no CI around it
    with_ci = normed[normed["n"] > 1]
    assert (with_ci["pct_ci_low"] <= with_ci["human_percentile"] + 1e-9).all()
    assert normed[normed["n"] == 1]["pct_ci_low"].isna().all()
    for task in normed["task_id"]:
        assert task in proc.stdout
    scores = pd.read_parquet(next((out / "runs").iterdir()) / "scores.parquet")
    assert scores["human_percentile"].notna().any()
    assert "creativity-bench evaluate --model openai/" in proc.stdout
    assert "creativity-bench rate" in proc.stdout


def test_report_html_is_self_contained_with_plot(smoke_eval):
    proc, out = smoke_eval
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert "human percentile" in html.lower()


def test_second_run_resumes_without_regenerating(smoke_eval):
    proc, out = smoke_eval
    run = next((out / "runs").iterdir())
    before = pd.read_parquet(run / "responses.parquet")
    again = subprocess.run(
        [sys.executable, "-m", "benchmark.cli", "evaluate", "--model", "llamacpp/smollm2", "--suite", "smoke",
         "--out", str(out), "--quiet"],
        cwd=out.parent, capture_output=True, text=True, timeout=900, env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    assert again.returncode == 0, again.stderr[-3000:]
    after = pd.read_parquet(run / "responses.parquet")
    assert len(after) == len(before)
    pd.testing.assert_series_equal(after.sort_values("item_id")["text"].reset_index(drop=True),
                                   before.sort_values("item_id")["text"].reset_index(drop=True))
    assert f"this session generated 0 ({len(before)} were already done)" in again.stdout


def test_unknown_model_is_one_line_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "benchmark.cli", "evaluate", "--model", "llamacp/smollm2",
                           "--suite", "smoke", "--out", str(tmp_path / "x")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "did you mean" in proc.stderr
    assert not (tmp_path / "x" / "leaderboard.csv").exists()


def test_published_rat_items_scored_against_their_norms(tmp_path, shared_data):
    """Bowden & Jung-Beeman (2003) items by path: solutions come along, percentiles per item."""
    out = tmp_path / "rat"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmark.cli", "evaluate", "--model", "llamacpp/smollm2", "--limit", "3", "--quiet",
         "--rat-items", str(shared_data / "rat-bowden" / "bowden2003_rat144.csv"), "--out", str(out)],
        capture_output=True, text=True, timeout=900, env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    scores = pd.read_parquet(next((out / "runs").iterdir()) / "scores.parquet")
    rat = scores[scores["scorer"] == "rat"]
    assert len(rat) == 3 and rat["value"].isin([0.0, 1.0]).all()  # scored, not NaN for a missing solution
    assert rat["norm_id"].str.contains("#").all()  # item-level solve-rate norms
    row = pd.read_csv(out / "summary.csv").set_index("task_id").loc["rat"]
    assert row["note"].startswith("people solved ") and row["note"].endswith("% of the same items")
    assert "people solved" in proc.stdout
