"""`creativity-bench rebuild-leaderboard` on a small subset of the shared data and the
published SmolLM2 run: the same seed gives the same bytes, and no published text reaches
the output folder (only derived figures are published)."""

from __future__ import annotations

import json

import pytest

from benchmark.cli import main
from benchmark.paths import REPO_ROOT

ONLY = "human/stevenson2022,replay/gpt-3,human/bellemare2024,llamacpp/smollm2"
RUN = str(REPO_ROOT / "results" / "smollm2-core" / "runs" / "llamacpp-smollm2-core")


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_rebuild_is_byte_for_byte_and_publishes_no_text(tmp_path, shared_data, capsys):
    args = ["rebuild-leaderboard", "--data", str(shared_data), "--per-item", "2", "--only", ONLY, "--run", RUN,
            "--n-boot", "200", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "a"), "--work", str(tmp_path / "work-a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b"), "--work", str(tmp_path / "work-b")]) == 0  # scored afresh
    assert main([*args, "--out", str(tmp_path / "c"), "--work", str(tmp_path / "work-a")]) == 0  # from the cache
    assert "0 score tables computed" in capsys.readouterr().out
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert {"heatmap.png", "matrix.csv", "leaderboard.html", "manifest.json", "plots/aut.png"} <= set(a)
    assert a == b == c
    doc = json.loads(a["leaderboard.json"])
    assert doc["sources"] == ["human/bellemare2024", "human/stevenson2022", "llamacpp/smollm2", "replay/gpt-3"]
    cells = {(m["source"], m["task_id"]): m for m in doc["matrix"]}
    assert cells[("human/stevenson2022", "aut")]["kind"] == "percentile"
    # haiku is scored by DSI first, and the shipped human norm (all 5,233 published haiku) is its reference
    assert cells[("human/bellemare2024", "haiku")]["reference"].startswith("norm bellemare-writing:haiku:dsi")
    assert cells[("replay/gpt-3", "dat")]["cell"] == "no published answers"
    # the replayed texts stay in the working folder, never in what is published
    import pandas as pd

    texts = pd.concat([pd.read_parquet(p) for p in (tmp_path / "work-a" / "replay").glob("*.parquet")])["text"]
    blob = b"\n".join(a.values()).decode("utf-8", "replace")
    assert len(texts) > 20 and not any(t.strip() in blob for t in texts if len(t.strip()) > 12)


def test_rebuild_without_the_data_is_one_line(tmp_path, capsys):
    assert main(["rebuild-leaderboard", "--data", str(tmp_path / "absent"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "shared data folder not found" in err and "--data ../shared/data" in err
    assert not (tmp_path / "out").exists()
