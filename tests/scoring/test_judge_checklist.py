"""judge_checklist: one yes/no question per craft test over a real HTTP backend; pass rate, nudges, NaN with reasons."""

from __future__ import annotations

import json
import math

import pandas as pd

from benchmark.scoring.judge_checklist import NUDGE, SYSTEM_PROMPT, TTCW_TESTS, JudgeChecklist
from tests.scoring.test_judge import ScriptedServer


def story_frame(texts):
    return pd.DataFrame({"task_id": "flash_fiction", "task_version": "1.1", "item_id": "published_flash_fiction",
                         "source": "m", "sample_idx": range(len(texts)), "text": texts,
                         "prompt": "Write a creative flash fiction story in exactly 100 words."})


def test_pass_rate_over_the_answered_tests_with_reasons():
    # 8 tests, 9 replies in arrival order: one non-answer (nudged, then answered), 6 yes, 2 no
    replies = ["Hmm, hard to say.", "No, the pacing is flat."] + ["Yes - vivid and specific."] * 6 + ["No: a cliche."]
    server = ScriptedServer(replies)
    try:
        judge = JudgeChecklist("openai/fake-judge", model_options={"base_url": server.url}, retries=1)
        out = judge.score(story_frame(["The lighthouse keeper counted ships that never came, then one did.", ""]))
    finally:
        server.close()
    assert out["scorer_version"][0] == "1.0+openai/fake-judge"
    d = json.loads(out["details"][0])
    assert d["answered"] == len(TTCW_TESTS) and d["unanswered"] == 0
    assert out["value"][0] == 6 / 8
    assert [t["test"] for t in d["tests"]] == [t[0] for t in TTCW_TESTS]
    assert sorted(t["reason"] for t in d["tests"] if not t["passed"]) == ["a cliche", "the pacing is flat"]
    first = server.requests[0]["messages"]
    assert first[0] == {"role": "system", "content": SYSTEM_PROMPT} and "Question:" in first[-1]["content"]
    assert sum(r["messages"][-1]["content"] == NUDGE for r in server.requests) == 1
    assert len(server.requests) == len(TTCW_TESTS) + 1
    assert math.isnan(out["value"][1]) and "empty" in json.loads(out["details"][1])["reason"]


def test_no_answered_test_is_nan_with_the_replies():
    server = ScriptedServer(["I like it."])
    try:
        judge = JudgeChecklist("openai/fake-judge", model_options={"base_url": server.url}, retries=0)
        out = judge.score(story_frame(["A story."]))
    finally:
        server.close()
    d = json.loads(out["details"][0])
    assert math.isnan(out["value"][0]) and "none of the 8 tests" in d["reason"]
    assert d["tests"][0]["replies"] == ["I like it."]
