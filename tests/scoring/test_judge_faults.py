"""The LLM judge under injected faults (issue 14, item 5): the runner's retry policy
(backoff, Retry-After, time-outs) applies, an unreachable judge gives up quickly, and
`score` exits non-zero with the count when a judge leaves too many responses unscored.

The server is the runner's fault injector (tests/runner/fake_openai_server.py) on real
loopback HTTP; the request's model name scripts each attempt.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pandas as pd
import pytest

from benchmark.paths import REPO_ROOT
from benchmark.runner.retry import RetryPolicy
from benchmark.scoring.judge import JudgeOriginality
from tests.runner.fake_openai_server import fake_server

FAST = RetryPolicy(max_attempts=3, initial_s=0.01, max_backoff_s=0.05, jitter_s=0.0)


def frame(answers: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"task_id": "aut", "task_version": "1", "item_id": "brick", "item": "brick", "source": "m",
                         "sample_idx": range(len(answers)), "text": answers})


def judge(url: str, script: str, **kw) -> JudgeOriginality:
    return JudgeOriginality(f"openai/script:{script}", model_options={"base_url": url, **kw.pop("options", {})},
                            retry_policy=kw.pop("policy", FAST), **kw)


@pytest.fixture
def server():
    with fake_server() as (url, state):
        yield url, state


def test_429_waits_for_retry_after_then_scores(server):
    url, state = server
    out = judge(url, "429@1,rate@4").score(frame(["a doorstop"]))
    assert out["value"][0] == 4.0
    first, second = state.log
    assert (first["behaviour"], second["behaviour"]) == ("429@1", "rate@4")
    assert second["t"] - first["t"] >= 0.95  # the server asked for 1 s; FAST alone would wait 0.01 s


@pytest.mark.parametrize("script,attempts", [("500,503,rate@3", 3), ("badjson,rate@3", 2)])
def test_server_errors_and_broken_json_are_retried_with_backoff(server, script, attempts):
    url, state = server
    out = judge(url, script).score(frame(["a doorstop"]))
    assert out["value"][0] == 3.0 and state.count == attempts


def test_a_hanging_judge_times_out_and_the_row_says_why(server):
    url, state = server
    out = judge(url, "hang@3", options={"timeout": 0.3}, policy=RetryPolicy(max_attempts=2, initial_s=0.01,
                                                                             jitter_s=0.0)).score(frame(["a doorstop"]))
    assert math.isnan(out["value"][0]) and state.count == 2
    reason = json.loads(out["details"][0])["reason"]
    assert "timeout after 0.3 s" in reason and "gave up after 2 attempts" in reason


def test_a_failing_judge_stops_asking_after_a_few_prompts_in_a_row(server):
    url, state = server
    j = judge(url, "500", give_up_after=2, options={"concurrency": 1})
    out = j.score(frame([f"answer {i}" for i in range(6)]))
    assert out["value"].isna().all()
    reasons = [json.loads(d)["reason"] for d in out["details"]]
    # two prompts used all their attempts; the other four stopped at their next one
    assert sum("gave up after 3 attempts" in r and "not asked" not in r for r in reasons) == 2
    assert sum("not asked: 2 prompts in a row failed" in r for r in reasons) == 4
    assert state.count <= 2 * 3 + 4 * 2 < 6 * 3


def test_score_exits_1_with_the_count_when_the_judge_is_unreachable(tmp_path):
    """Connection refused on every prompt: exit 1, the count in one line, the scores written,
    and no "Unclosed client session" from an HTTP session left open."""
    src = tmp_path / "answers.csv"
    frame(["a doorstop", "a tiny house for a hamster", "a pencil holder"]).drop(columns="item_id").to_csv(src, index=False)
    out = tmp_path / "scores.csv"
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-m", "benchmark.cli", "score", "--responses", str(src), "--scorer",
         "judge_originality", "--judge-model", "openai/judge", "-M", "base_url=http://127.0.0.1:9/v1",
         "-O", "judge_originality.retry_attempts=2", "--out", str(out), "--no-norms"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONWARNINGS": "default"})
    assert proc.returncode == 1, proc.stderr
    assert "judge_originality: 3 of 3 responses unscored (100%" in proc.stderr
    assert "cannot connect to http://127.0.0.1:9/v1" in proc.stderr
    assert "Unclosed" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert len(pd.read_csv(out)) == 3
