"""The scoring caches stay under a size cap, least recently used rows evicted first (issue 14)."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.errors import BenchError
from benchmark.scoring.cache_cap import DEFAULT_CAP, LOW_WATER, cache_bytes, cache_cap, enforce_cache_cap
from benchmark.scoring.text_features import FeatureStore

BLOB = b"x" * 4000


def _keys(path, table="feat"):
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute(f"SELECT key FROM {table}")}


def _fill(folder):
    a = FeatureStore(folder / "a.sqlite", touch_every=0)
    b = FeatureStore(folder / "b.sqlite", table="emb", column="vec", touch_every=0)
    for i in range(60):  # one write each, oldest first, alternating between the two files
        a.put_many([(f"a{i}", BLOB)])
        b.put_many([(f"b{i}", BLOB)])
    return a, b


def test_over_the_cap_the_least_recently_used_rows_go_across_files(tmp_path):
    a, b = _fill(tmp_path)
    assert set(a.get_many([f"a{i}" for i in range(5)])) == {f"a{i}" for i in range(5)}  # read: now the most recent
    cap = 240_000  # half of the 120 rows of 4 kB (a write-ahead log folded in alone is not enough)
    evicted = enforce_cache_cap(tmp_path, cap)
    assert evicted > 0 and cache_bytes(tmp_path) <= cap
    kept_a, kept_b = _keys(tmp_path / "a.sqlite"), _keys(tmp_path / "b.sqlite", "emb")
    assert {f"a{i}" for i in range(5)} <= kept_a  # read last, kept though written first
    assert "a5" not in kept_a and "b0" not in kept_b  # written first, never read: gone
    assert {"a59", "b59"} <= kept_a | kept_b  # written last: kept
    assert 0 < len(kept_a) + len(kept_b) < 120
    assert a.get_many(["a0", "a5"]).keys() == {"a0"}  # the stores still work after the eviction
    b.put_many([("new", BLOB)])
    assert "new" in b.get_many(["new"])


def test_under_the_cap_nothing_is_touched(tmp_path):
    _fill(tmp_path)
    assert enforce_cache_cap(tmp_path, cache_bytes(tmp_path) + 1) == 0
    assert enforce_cache_cap(tmp_path, "none") == 0
    assert len(_keys(tmp_path / "a.sqlite")) == 60


def test_a_warm_read_writes_nothing_until_its_mark_is_stale(tmp_path):
    lazy = FeatureStore(tmp_path / "c.sqlite")  # default: refresh a row's mark at most once a day
    lazy.put_many([("k", BLOB)])

    def used():
        with sqlite3.connect(tmp_path / "c.sqlite") as conn:
            return conn.execute("SELECT used FROM feat").fetchone()[0]

    first = used()
    lazy.get_many(["k"])
    assert used() == first
    FeatureStore(tmp_path / "c.sqlite", touch_every=0).get_many(["k"])
    assert used() > first


def test_a_cache_written_before_the_cap_is_migrated_and_evicted_first(tmp_path):
    with sqlite3.connect(tmp_path / "old.sqlite") as conn:
        conn.execute("CREATE TABLE feat (key TEXT PRIMARY KEY, val BLOB NOT NULL)")
        conn.executemany("INSERT INTO feat VALUES (?, ?)", [(f"old{i}", BLOB) for i in range(40)])
    store = FeatureStore(tmp_path / "old.sqlite")
    assert store.get_many(["old1"]) == {"old1": BLOB}
    store.put_many([(f"new{i}", BLOB) for i in range(40)])
    assert enforce_cache_cap(tmp_path, 230_000) > 0  # 80 rows of 4 kB; 80% of the cap holds the 40 new ones
    kept = _keys(tmp_path / "old.sqlite")
    assert {f"new{i}" for i in range(40)} <= kept and "old2" not in kept


def test_the_cap_setting():
    assert cache_cap("500MB") == 500_000_000 and cache_cap("1.5GiB") == int(1.5 * 2**30)
    assert cache_cap("123") == 123 and cache_cap("none") is None and DEFAULT_CAP == 2_000_000_000
    assert 0 < LOW_WATER < 1
    with pytest.raises(BenchError, match="CREATIVITY_BENCH_CACHE_MAX"):
        cache_cap("lots")


def test_score_holds_the_cache_under_the_cap_and_a_bad_cap_is_one_line(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE", str(cache))
    csv = tmp_path / "a.csv"
    csv.write_text('task_id,item,text\naut,brick,"doorstop\npaperweight"\naut,tin can,"drum\nphone\nvase"\n')
    args = ["score", "--responses", str(csv), "--scorer", "fluency,elaboration", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "s1.csv")]) == 0
    assert len(_keys(cache / "embeddings" / "scores.sqlite")) == 4
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE_MAX", "1")  # smaller than any file: every row goes
    assert main([*args, "--out", str(tmp_path / "s2.csv")]) == 0
    assert _keys(cache / "embeddings" / "scores.sqlite") == set()
    assert pd.read_csv(tmp_path / "s1.csv")["value"].tolist() == pd.read_csv(tmp_path / "s2.csv")["value"].tolist()
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE_MAX", "lots")
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "s3.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "CREATIVITY_BENCH_CACHE_MAX" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "s3.csv").exists()


def test_a_table_of_another_shape_is_left_alone(tmp_path):
    with sqlite3.connect(tmp_path / "other.sqlite") as conn:
        conn.execute("CREATE TABLE runs (key TEXT PRIMARY KEY, name TEXT, size INTEGER)")
        conn.executemany("INSERT INTO runs VALUES (?, ?, ?)", [(f"r{i}", "x" * 4000, i) for i in range(60)])
    enforce_cache_cap(tmp_path, 1)
    with sqlite3.connect(tmp_path / "other.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 60
        assert [r[1] for r in conn.execute("PRAGMA table_info(runs)")] == ["key", "name", "size"]
