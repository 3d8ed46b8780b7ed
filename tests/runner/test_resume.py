"""Interrupted runs (kill -9, Ctrl-C) resume with nothing lost and nothing duplicated."""

from __future__ import annotations

import json
import signal
import subprocess
import time

import pandas as pd
import pytest

from benchmark.runner.store import LOG_NAME, ResultLog, record_key
from tests.runner.fake_openai_server import fake_server
from tests.runner.helpers import cli_cmd, cli_env, run_cli

UNITS = 2 * 6  # --task aut --limit 2 --n 6


def _args(url: str, out) -> list[str]:
    return ["run", "--model", "openai/echo", "-M", f"base_url={url}", "--task", "aut", "--limit", "2", "--n", "6",
            "--out", str(out), "--concurrency", "1", "--no-cache", "--quiet"]


def _lines(out) -> list[dict]:
    p = out / LOG_NAME
    if not p.exists():
        return []
    return [json.loads(x) for x in p.read_text().splitlines() if x.endswith("}")]


def _start_and_stop_after(url, out, cache_dir, n_lines: int, sig: int) -> subprocess.Popen:
    proc = subprocess.Popen(cli_cmd(*_args(url, out), sigint=sig == signal.SIGINT), env=cli_env(cache_dir),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while len(_lines(out)) < n_lines:
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, "the run wrote nothing in time"
        time.sleep(0.05)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    return proc


@pytest.mark.slow
def test_kill_9_then_resume_exact_count_no_duplicates(tmp_path, cache_dir):
    out = tmp_path / "run"
    with fake_server(delay=0.25) as (url, state):
        proc = _start_and_stop_after(url, out, cache_dir, 4, signal.SIGKILL)
        assert proc.returncode == -signal.SIGKILL
        first = {record_key(r): r for r in _lines(out)}
        assert 4 <= len(first) < UNITS
        assert not (out / "responses.parquet").exists()  # killed before consolidating: the log is the truth

        done = run_cli(*_args(url, out), cache_dir=cache_dir)
        assert done.returncode == 0, done.stderr
        assert f"{len(first)} already done" in done.stdout
        assert "12 ok, 0 errors" in done.stdout

        df = pd.read_parquet(out / "responses.parquet")
        assert len(df) == UNITS
        assert not df.duplicated(["task_id", "task_version", "item_id", "source", "sample_idx"]).any()
        assert sorted(df["sample_idx"].unique()) == list(range(6))
        # finished units were not regenerated: same text, same timestamp
        by_key = {(r.task_id, r.task_version, r.item_id, r.source, r.sample_idx): r for r in df.itertuples()}
        for key, rec in first.items():
            assert by_key[key].text == rec["text"] and by_key[key].created_at == rec["created_at"]
        # only the unit in flight at the kill (concurrency 1) may have been asked twice
        assert UNITS <= state.count <= UNITS + 1
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["counts"] == {"units": UNITS, "ok": UNITS, "errors": 0}
        assert len(manifest["sessions"]) == 2

        again = run_cli(*_args(url, out), cache_dir=cache_dir)
        assert f"{UNITS} already done, 0 now" in again.stdout and state.count <= UNITS + 1


@pytest.mark.slow
def test_ctrl_c_saves_finished_units(tmp_path, cache_dir):
    out = tmp_path / "run"
    with fake_server(delay=0.25) as (url, _):
        proc = _start_and_stop_after(url, out, cache_dir, 3, signal.SIGINT)
        assert proc.returncode == 130
        assert "run the same command again to resume" in proc.stderr.read()
        df = pd.read_parquet(out / "responses.parquet")  # consolidated on the way out
        assert len(df) == len(_lines(out)) >= 3
        assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


def test_a_line_cut_by_a_kill_is_dropped_before_appending(tmp_path):
    log = ResultLog(tmp_path)
    log.open()
    rec = {"task_id": "aut", "task_version": "1", "item_id": "brick", "source": "s/x", "sample_idx": 0, "text": "a", "error": None}
    log.append(rec)
    log.close()
    with open(tmp_path / LOG_NAME, "a") as fh:
        fh.write('{"task_id": "aut", "task_ver')  # what kill -9 mid-write leaves
    assert len(log.read()) == 1
    log.open()
    log.append({**rec, "sample_idx": 1})
    log.close()
    lines = (tmp_path / LOG_NAME).read_text().splitlines()
    assert [json.loads(x)["sample_idx"] for x in lines] == [0, 1]


def test_first_success_wins_over_later_records(tmp_path):
    log = ResultLog(tmp_path)
    log.open()
    base = {"task_id": "aut", "task_version": "1", "item_id": "brick", "source": "s/x", "sample_idx": 0}
    log.append({**base, "text": None, "error": "HTTP 500"})
    log.append({**base, "text": "first", "error": None})
    log.append({**base, "text": "second", "error": None})
    log.close()
    (only,) = log.read().values()
    assert only["text"] == "first"


def test_a_folder_keeps_one_model_seed_and_sampling(fake_openai, tmp_path, cache_dir):
    from benchmark.errors import BenchError
    from benchmark.runner import run_suite
    from tests.runner.helpers import make_item

    url, _ = fake_openai
    out = tmp_path / "r"
    common = dict(out=out, model_options={"base_url": url}, cache_dir=cache_dir, progress=False)
    run_suite("openai/echo", items=[make_item("brick")], **common)
    with pytest.raises(BenchError, match="holds a run of openai/echo"):
        run_suite("openai/other", items=[make_item("brick")], **common)
    with pytest.raises(BenchError, match="used --seed 0"):
        run_suite("openai/echo", items=[make_item("brick")], seed=5, **common)
    with pytest.raises(BenchError, match="task aut ran here with"):
        run_suite("openai/echo", items=[make_item("brick")], max_tokens=99, **common)
    # more samples and more items are new units in the same run
    s = run_suite("openai/echo", items=[make_item("brick", n=2), make_item("rope")], **common)
    assert (s.skipped, s.generated, s.ok) == (1, 2, 3)
    assert len(pd.read_parquet(out / "responses.parquet")) == 3
