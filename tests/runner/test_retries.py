"""Fault injection through a real HTTP server: retries, Retry-After, final errors recorded."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pandas as pd
import pytest

from benchmark.models.openai_compat import parse_retry_after
from benchmark.runner import RetryPolicy, run_suite
from benchmark.runner.store import LOG_NAME
from tests.runner.helpers import closed_port, make_item

FAST = RetryPolicy(max_attempts=4, initial_s=0.05, max_backoff_s=1.0, jitter_s=0.0)


def _run(url, script, out, cache_dir, policy=FAST, items=None, **opts):
    return run_suite(f"openai/script:{script}", out=out, items=items or [make_item("brick")],
                     model_options={"base_url": url, **opts}, cache_dir=cache_dir, retry=policy, progress=False)


def _log(out) -> list[dict]:
    return [json.loads(line) for line in (out / LOG_NAME).read_text().splitlines()]


def _gaps(state) -> list[float]:
    times = [e["t"] for e in state.log]
    return [b - a for a, b in zip(times, times[1:])]


def test_retry_after_seconds_is_honoured(fake_openai, tmp_path, cache_dir):
    url, state = fake_openai
    s = _run(url, "429@1.2,ok", tmp_path / "r", cache_dir)
    assert (s.ok, s.errors) == (1, 0)
    assert [e["behaviour"] for e in state.log] == ["429@1.2", "ok"]
    assert _gaps(state)[0] >= 1.2  # waited what the server asked, not the 0.05 s backoff
    assert _log(tmp_path / "r")[0]["attempts"] == 2


def test_retry_after_http_date_is_honoured(fake_openai, tmp_path, cache_dir):
    url, state = fake_openai
    s = _run(url, "429date@2,ok", tmp_path / "r", cache_dir)
    assert s.ok == 1
    assert _gaps(state)[0] >= 1.0  # an HTTP date has whole-second resolution: 2 s ahead >= 1 s later


def test_parse_retry_after_forms():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None) is None


def test_5xx_backs_off_exponentially_then_succeeds(fake_openai, tmp_path, cache_dir):
    url, state = fake_openai
    policy = RetryPolicy(max_attempts=4, initial_s=0.3, max_backoff_s=5, jitter_s=0.0)
    s = _run(url, "500,503,ok", tmp_path / "r", cache_dir, policy=policy)
    assert s.ok == 1 and len(state.log) == 3
    g1, g2 = _gaps(state)
    assert g1 >= 0.3 and g2 >= 0.6


def test_timeout_is_retried(fake_openai, tmp_path, cache_dir):
    url, state = fake_openai
    s = _run(url, "hang@30,ok", tmp_path / "r", cache_dir, timeout=0.5)
    assert s.ok == 1
    assert _log(tmp_path / "r")[0]["attempts"] == 2
    # the client gave up at its timeout, not after the hang: the retry came long before the
    # hang's 30 s (a bound a busy machine cannot reach; 2.5 s could be, at load 12 on 2 cores)
    assert 0.5 <= _gaps(state)[0] < 30


def test_broken_json_is_retried(fake_openai, tmp_path, cache_dir):
    url, _ = fake_openai
    s = _run(url, "badjson,ok", tmp_path / "r", cache_dir)
    assert s.ok == 1 and _log(tmp_path / "r")[0]["attempts"] == 2


def test_client_error_is_not_retried(fake_openai, tmp_path, cache_dir):
    url, state = fake_openai
    s = _run(url, "400", tmp_path / "r", cache_dir)
    assert (s.ok, s.errors, len(state.log)) == (0, 1, 1)
    assert "HTTP 400" in _log(tmp_path / "r")[0]["error"]


def test_exhausted_retries_are_recorded_and_a_rerun_retries_them(fake_openai, tmp_path, cache_dir):
    url, state = fake_openai
    items = [make_item("brick", n=2)]
    policy = RetryPolicy(max_attempts=3, initial_s=0.01, jitter_s=0.0)
    s = _run(url, "500,500,500,ok", tmp_path / "r", cache_dir, policy=policy, items=items)
    assert (s.ok, s.errors) == (0, 2)
    df = pd.read_parquet(tmp_path / "r" / "responses.parquet")
    assert len(df) == 2 and df["text"].isna().all()
    assert df["error"].str.contains("HTTP 500").all() and df["error"].str.contains("after 3 attempts").all()
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["status"] == "finished_with_errors"

    s2 = _run(url, "500,500,500,ok", tmp_path / "r", cache_dir, policy=policy, items=items)
    assert (s2.ok, s2.errors, s2.skipped) == (2, 0, 0)
    df = pd.read_parquet(tmp_path / "r" / "responses.parquet")
    assert len(df) == 2 and df["error"].isna().all() and df["text"].str.startswith("echo:").all()
    assert len(state.log) == 8


def test_connection_refused_ends_cleanly_with_errors(tmp_path, cache_dir):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    policy = RetryPolicy(max_attempts=2, initial_s=0.01, jitter_s=0.0)
    s = _run(url, "ok", tmp_path / "r", cache_dir, policy=policy, items=[make_item("brick", n=2)])
    assert (s.ok, s.errors) == (0, 2)
    assert s.line() == "0 ok, 2 errors; re-run the same command to retry"
    df = pd.read_parquet(tmp_path / "r" / "responses.parquet")
    assert df["error"].str.contains("cannot connect").all()


@pytest.mark.parametrize("attempts", [1, 3])
def test_attempt_bound(fake_openai, tmp_path, cache_dir, attempts):
    url, state = fake_openai
    s = _run(url, "503", tmp_path / "r", cache_dir, policy=RetryPolicy(max_attempts=attempts, initial_s=0.01, jitter_s=0))
    assert s.errors == 1 and len(state.log) == attempts
