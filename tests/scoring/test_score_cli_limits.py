"""`creativity-bench score --max-ideas/--max-chars/--no-cache` through the real CLI (issue 14)."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

from benchmark.cli import main

ANSWERS = 'task_id,item,text\naut,brick,"doorstop\npaperweight\nbuild a wall\nhammer\nbookend"\n'


def _csv(tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text(ANSWERS)
    return csv


def _cached_rows(cache) -> int:
    db = cache / "embeddings" / "scores.sqlite"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM feat").fetchone()[0]


def test_max_ideas_and_max_chars_bound_the_scored_response(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "s.csv"
    assert main(["score", "--responses", str(_csv(tmp_path)), "--scorer", "fluency", "--max-ideas", "2",
                 "--out", str(out), "--quiet"]) == 0
    row = pd.read_csv(out).iloc[0]
    assert row["value"] == 2.0 and "first 2 of 5 ideas" in json.loads(row["details"])["truncated"]
    assert main(["score", "--responses", str(_csv(tmp_path)), "--scorer", "fluency", "--max-chars", "20",
                 "--out", str(out), "--quiet"]) == 0
    row = pd.read_csv(out).iloc[0]
    assert row["value"] == 2.0 and "characters (max_chars 20)" in json.loads(row["details"])["truncated"]


@pytest.mark.parametrize("args,needle", [
    (["--max-ideas", "0"], "--max-ideas"),
    (["--max-chars", "many"], "--max-chars"),
])
def test_bad_bounds_are_one_line_exit_2(tmp_path, capsys, args, needle):
    out = tmp_path / "s.csv"
    assert main(["score", "--responses", str(_csv(tmp_path)), "--scorer", "fluency", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_a_bad_bound_in_the_environment_is_one_line_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CREATIVITY_BENCH_MAX_IDEAS", "lots")
    out = tmp_path / "s.csv"
    assert main(["score", "--responses", str(tmp_path / "missing.csv"), "--scorer", "fluency", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "CREATIVITY_BENCH_MAX_IDEAS" in err and len(err.splitlines()) == 1 and not out.exists()


def test_no_cache_skips_the_per_row_score_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE", str(cache))
    args = ["score", "--responses", str(_csv(tmp_path)), "--scorer", "fluency,elaboration", "--quiet"]
    assert main([*args, "--no-cache", "--out", str(tmp_path / "s1.csv")]) == 0
    assert _cached_rows(cache) == 0
    assert main([*args, "--out", str(tmp_path / "s2.csv")]) == 0
    assert _cached_rows(cache) == 2  # one row x two scorers, written only without --no-cache
    a, b = pd.read_csv(tmp_path / "s1.csv"), pd.read_csv(tmp_path / "s2.csv")
    assert a["value"].tolist() == b["value"].tolist()


def test_diversity_distance_is_a_known_task_scorer_and_listed_in_help(capsys):
    from benchmark.scoring import scorers
    from benchmark.tasks import KNOWN_SCORERS

    assert "diversity_distance" in KNOWN_SCORERS and set(KNOWN_SCORERS) <= set(scorers.names())
    assert main(["score", "--help"]) == 0
    assert "diversity_distance" in capsys.readouterr().out.replace("\n", " ")
