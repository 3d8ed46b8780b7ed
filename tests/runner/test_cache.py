"""The generation cache never serves one sample for all, and is reused across runs."""

from __future__ import annotations

import sqlite3

import pandas as pd

from benchmark.models import get_model
from benchmark.runner import Runner, run_suite
from benchmark.runner.cache import GenerationCache, cache_key
from tests.runner.helpers import make_item


def _entries(cache_dir) -> int:
    with sqlite3.connect(cache_dir / "generations.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]


def test_three_samples_are_three_entries_and_three_answers(fake_openai, tmp_path, cache_dir):
    url, state = fake_openai
    s = run_suite("openai/echo", out=tmp_path / "r1", items=[make_item("brick", n=3, temperature=0.9)],
                  model_options={"base_url": url}, cache_dir=cache_dir, progress=False)
    assert (s.ok, s.cached) == (3, 0)
    assert _entries(cache_dir) == 3
    df = pd.read_parquet(tmp_path / "r1" / "responses.parquet")
    assert df["text"].nunique() == 3 and df["seed"].nunique() == 3

    # A new run folder with the same model and seed is served from the cache, sample by sample.
    before = state.count
    s2 = run_suite("openai/echo", out=tmp_path / "r2", items=[make_item("brick", n=3, temperature=0.9)],
                   model_options={"base_url": url}, cache_dir=cache_dir, progress=False)
    assert (s2.ok, s2.cached, state.count) == (3, 3, before)
    df2 = pd.read_parquet(tmp_path / "r2" / "responses.parquet")
    assert df2.sort_values("sample_idx")["text"].tolist() == df.sort_values("sample_idx")["text"].tolist()

    # Another run seed means other per-sample seeds: new entries, new requests.
    s3 = run_suite("openai/echo", out=tmp_path / "r3", items=[make_item("brick", n=3, temperature=0.9)],
                   model_options={"base_url": url}, cache_dir=cache_dir, seed=1, progress=False)
    assert (s3.cached, state.count, _entries(cache_dir)) == (0, before + 3, 6)


def test_key_changes_with_each_component():
    msgs = [{"role": "user", "content": "hi"}]
    base = dict(model_identity={"spec": "a/b"}, messages=msgs, settings={"temperature": 0.7}, sample_idx=0, seed=1)
    k = cache_key(**base)
    for change in ({"sample_idx": 1}, {"seed": 2}, {"settings": {"temperature": 0.8}}, {"model_identity": {"spec": "a/c"}},
                   {"messages": [{"role": "user", "content": "hello"}]}):
        assert cache_key(**{**base, **change}) != k


def test_no_cache_option_generates_again(fake_openai, tmp_path, cache_dir):
    url, state = fake_openai
    model = get_model("openai/echo", base_url=url)
    Runner(model, [make_item("brick")], tmp_path / "a", cache_dir=cache_dir, progress=False).run()
    Runner(model, [make_item("brick")], tmp_path / "b", cache_dir=cache_dir, use_cache=False, progress=False).run(close_model=True)
    assert state.count == 2
    assert len(GenerationCache(cache_dir)) == 1


def test_a_bumped_task_version_supersedes_the_old_answers(fake_openai, tmp_path, cache_dir):
    """Resuming a folder after a task's version changed: the old version's answers stay in
    the log, but responses.parquet (what is scored) holds only the current version's."""
    import dataclasses
    import json

    url, _ = fake_openai
    out = tmp_path / "run"
    old = [make_item("brick", n=2), make_item("tyre", n=2)]
    run_suite("openai/echo", out=out, items=old, model_options={"base_url": url}, cache_dir=cache_dir, progress=False)
    new = [dataclasses.replace(make_item(i, n=2), task_version="2") for i in ("brick", "tyre", "paperclip")]
    s = run_suite("openai/echo", out=out, items=new, model_options={"base_url": url}, cache_dir=cache_dir,
                  progress=False)
    assert s.ok == 6
    df = pd.read_parquet(out / "responses.parquet")
    assert set(df["task_version"]) == {"2"} and len(df) == 6
    log = [json.loads(x) for x in (out / "responses.jsonl").read_text().splitlines()]
    assert sum(r["task_version"] == "1" for r in log) == 4  # nothing lost
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["superseded"] == {"aut": 4} and manifest["counts"]["units"] == 6
