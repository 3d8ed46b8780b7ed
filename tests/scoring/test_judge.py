"""LLM judge: strict parsing, retries with a nudge against a real HTTP backend, and the
embedded model on a couple of answers."""

from __future__ import annotations

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from benchmark.scoring.judge import JudgeOriginality, JudgeWriting, parse_dimensions, parse_rating


@pytest.mark.parametrize("reply,expected", [
    ("4", 4.0), ("Rating: 3", 3.0), ("**Score:** 5", 5.0), ("I'd give it a 2/5.", 2.0), ("3.5", 3.5),
    ("Originality: 4 - quite clever", 4.0), ("4 out of 5", 4.0),
])
def test_parse_rating_accepts_clear_answers(reply, expected):
    assert parse_rating(reply) == expected


@pytest.mark.parametrize("reply", ["", "very original!", "7", "1. 1.\n2. 2.\n3. 3", "between 2 and 4", "0"])
def test_parse_rating_refuses_unclear_answers(reply):
    assert parse_rating(reply) is None


def test_parse_dimensions_needs_all_three():
    assert parse_dimensions("originality: 4\nstyle: 3\ncoherence: 5") == {"originality": 4.0, "style": 3.0, "coherence": 5.0}
    assert parse_dimensions("Originality - 4\nStyle: 2") is None


class ScriptedServer:
    """A real OpenAI-compatible HTTP server that answers from a script (a fault injector)."""

    def __init__(self, replies: list[str]):
        self.replies = list(replies)
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                text = outer.replies.pop(0) if len(outer.replies) > 1 else outer.replies[0]
                data = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}],
                                   "usage": {"completion_tokens": 3}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


def aut_frame(answers: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"task_id": "aut", "task_version": "1", "item_id": "brick", "item": "brick", "source": "m",
                         "sample_idx": range(len(answers)), "text": answers})


def test_garbage_then_number_is_retried_with_a_nudge():
    server = ScriptedServer(["What a lovely brick!", "Rating: 4"])
    try:
        judge = JudgeOriginality("openai/fake-judge", model_options={"base_url": server.url}, retries=2)
        out = judge.score(aut_frame(["build a tiny house for a hamster"]))
    finally:
        server.close()
    assert out["value"][0] == 4.0
    assert out["scorer_version"][0] == "1.0+openai/fake-judge"
    first, second = server.requests
    assert first["temperature"] == 0.0 and second["temperature"] == 0.7  # a retry samples, seeded
    assert first["seed"] != second["seed"]
    assert second["messages"][-2]["content"] == "What a lovely brick!"
    assert "1 to 5" in second["messages"][-1]["content"]


def test_always_garbage_is_nan_with_the_replies():
    server = ScriptedServer(["I love bricks."])
    try:
        judge = JudgeWriting("openai/fake-judge", model_options={"base_url": server.url}, retries=1)
        df = aut_frame(["A haiku about rain"]).assign(task_id="haiku", prompt="Write a haiku about rain.")
        out = judge.score(df)
    finally:
        server.close()
    assert math.isnan(out["value"][0])
    d = json.loads(out["details"][0])
    assert "unparseable after 2 attempt" in d["reason"] and d["replies"] == ["I love bricks.", "I love bricks."]
    assert len(server.requests) == 2


def test_unreachable_judge_is_nan_with_reason():
    judge = JudgeOriginality("openai/fake-judge", model_options={"base_url": "http://127.0.0.1:9/v1", "timeout": 2}, retries=0,
                             retry_attempts=1)  # the retry policy itself is tested in test_judge_faults.py
    out = judge.score(aut_frame(["a doorstop"]))
    assert math.isnan(out["value"][0])
    assert "judge backend failed" in json.loads(out["details"][0])["reason"]


@pytest.mark.slow
def test_embedded_model_judges_originality():
    judge = JudgeOriginality(model_options={"n_threads": 2}, retries=1, max_ideas=1)
    out = judge.score(aut_frame(["grind it into powder to make red paint", ""]))
    d = json.loads(out["details"][0])
    assert out["scorer_version"][0] == "1.0+llamacpp/smollm2"
    value = out["value"][0]
    # the small model may fail to answer in format: then NaN with its replies, never a guess
    assert (1.0 <= value <= 5.0 and d["ideas"][0]["rating"] == value) or ("replies" in d and math.isnan(value))
    assert math.isnan(out["value"][1]) and "empty" in json.loads(out["details"][1])["reason"]


def test_few_shot_examples_precede_the_question():
    server = ScriptedServer(["2"])
    try:
        judge = JudgeOriginality("openai/fake-judge", model_options={"base_url": server.url}, few_shot=True)
        out = judge.score(aut_frame(["a doorstop"]))
    finally:
        server.close()
    msgs = server.requests[0]["messages"]
    assert [m["role"] for m in msgs] == ["system"] + ["user", "assistant"] * 3 + ["user"]
    assert "a doorstop" in msgs[-1]["content"] and out["value"][0] == 2.0
    assert out["scorer_version"][0].endswith("+few-shot")
