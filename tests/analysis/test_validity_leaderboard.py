"""Validity of automatic scores, the leaderboard (library, CLI, Hub export)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from benchmark.analysis import build_leaderboard, validity_table, write_leaderboard
from benchmark.cli import main
from benchmark.errors import BenchError


def _rated_and_scored(n=60, seed=0):
    rng = np.random.default_rng(seed)
    quality = rng.normal(0, 1, n)
    key = pd.DataFrame({"task_id": "aut", "task_version": "1", "response_item_id": "brick",
                        "source": np.where(np.arange(n) % 2, "m/x", "human/p"), "sample_idx": np.arange(n)})
    likert = pd.concat([key.assign(item_id=[f"t{i}" for i in range(n)], rater_id=r, dimension="originality",
                                   value=np.clip(np.rint(3 + quality + rng.normal(0, 0.5, n)), 1, 5)) for r in ("a", "b")])
    scores = pd.DataFrame({"task_id": "aut", "task_version": "1", "item_id": "brick", "source": key["source"],
                           "sample_idx": key["sample_idx"], "scorer": "semdis_minilm", "scorer_version": "1",
                           "value": quality + rng.normal(0, 0.5, n), "details": None})
    return likert, scores, quality


def test_validity_correlates_scores_with_mean_human_rating():
    likert, scores, _ = _rated_and_scored()
    v = validity_table(scores, likert).iloc[0]
    human = likert.groupby("sample_idx")["value"].mean().to_numpy()
    assert v["n"] == 60
    assert v["pearson_r"] == pytest.approx(np.corrcoef(scores["value"], human)[0, 1])
    assert v["pearson_ci"][0] < v["pearson_r"] < v["pearson_ci"][1] and v["pearson_r"] > 0.5
    assert v["spearman_ci"][0] < v["spearman_rho"] < v["spearman_ci"][1]
    with pytest.raises(BenchError, match="no scored response matches"):
        validity_table(scores.assign(item_id="knife"), likert)


def _scores(seed=0, task="haiku", scorer="judge_writing"):
    """Three sources with clearly different means; by default a task x scorer that has
    no human norm, so percentiles come from the human source in the table."""
    rng = np.random.default_rng(seed)
    rows = []
    for src, mu in (("human/pool", 0.5), ("m/strong", 0.9), ("m/weak", 0.2)):
        for item in ("brick", "rope", "box", "fork"):
            for s in range(5):
                v = mu + rng.normal(0, 0.05)
                rows.append({"task_id": task, "task_version": "1", "item_id": item, "source": src, "sample_idx": s,
                             "scorer": scorer, "scorer_version": "1", "value": v, "details": None,
                             "human_percentile": 100 * min(max(v, 0), 1), "norm_id": "test-norm"})
    return pd.DataFrame(rows)


def test_build_leaderboard_ranks_with_cis_and_human_percentiles():
    board = build_leaderboard(_scores(), n_boot=200)
    lb = board.detail.set_index("source")
    assert list(lb.sort_values("rank").index) == ["m/strong", "human/pool", "m/weak"]
    assert list(lb["rank"].sort_values()) == [1, 2, 3]
    assert lb.loc["m/strong", "human_pct"] == 100.0 and lb.loc["m/weak", "human_pct"] == 0.0
    assert lb.loc["human/pool", "human_pct"] == pytest.approx(50, abs=5)
    assert (lb["ci_low"] <= lb["mean"]).all() and (lb["mean"] <= lb["ci_high"]).all()
    assert lb.loc["human/pool", "is_human"] and lb.loc["m/weak", "n"] == 20 and lb.loc["m/weak", "n_items"] == 4
    assert lb["reference"].str.startswith("people in this table: human/pool").all()
    assert list(board.matrix["source"]) == ["human/pool", "m/strong", "m/weak"]


def test_leaderboard_uses_the_task_norm_when_there_is_one():
    from benchmark.scoring.norms import load_norms

    lb = build_leaderboard(_scores(task="aut", scorer="semdis_minilm"), n_boot=50).detail.set_index("source")
    m = lb.loc["m/strong", "median"]
    expected, norm_id = load_norms().lookup("aut", None, "semdis_minilm", m, "1")
    assert lb.loc["m/strong", "reference"].startswith(f"norm {norm_id} (n=")
    assert lb.loc["m/strong", "human_pct"] == pytest.approx(expected)


def test_leaderboard_cli_reads_result_folders_and_publishes_offline(tmp_path, capsys):
    s = _scores()
    for src, g in s.groupby("source"):
        run = tmp_path / "results" / "runs" / src.replace("/", "_")
        run.mkdir(parents=True)
        g.to_parquet(run / "scores.parquet")
        (run / "manifest.json").write_text(json.dumps({"source": src}))
    out, hub = tmp_path / "lb", tmp_path / "hub"
    rc = main(["leaderboard", "--results", str(tmp_path / "results"), "--out", str(out), "--n-boot", "100",
               "--push-to-hub", "someone/creativity-leaderboard", "--hub-local-dir", str(hub)])
    assert rc == 0
    for name in ("leaderboard.csv", "leaderboard.json", "leaderboard.md", "leaderboard.html", "matrix.csv", "heatmap.png"):
        assert (out / name).stat().st_size > 0, name
    assert "| 1 | m/strong |" in (out / "leaderboard.md").read_text()
    from datasets import load_from_disk

    ds = load_from_disk(str(hub))
    assert ds["detail"].num_rows == 3 and set(ds["detail"]["source"]) == {"human/pool", "m/strong", "m/weak"}
    cells = dict(zip(ds["matrix"]["source"], ds["matrix"]["cell"]))
    assert cells["m/strong"] == "100 [100, 100]" and cells["m/weak"] == "0 [0, 0]" and cells["human/pool"].startswith("50 [")
    assert (hub / "HUB_REPO").read_text().strip() == "someone/creativity-leaderboard"
    assert main(["leaderboard", "--results", str(tmp_path / "nothing"), "--out", str(out)]) == 2
    assert "results folder not found" in capsys.readouterr().err


def test_write_leaderboard_is_complete(tmp_path):
    paths = write_leaderboard(build_leaderboard(_scores(), n_boot=50), tmp_path)
    doc = json.loads(paths["leaderboard.json"].read_text())
    assert {r["source"] for r in doc["detail"]} == {"human/pool", "m/strong", "m/weak"}
    assert doc["definition"].startswith("Human percentile = ")
    html = paths["leaderboard.html"].read_text()
    assert "<table" in html and "data:image/png;base64," in html and 'src="http' not in html
