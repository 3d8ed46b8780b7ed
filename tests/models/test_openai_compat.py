"""The openai backend against a real OpenAI-compatible server (llama_cpp.server on loopback)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmark.models import get_model
from benchmark.runner import run_suite
from tests.runner.helpers import make_item

pytestmark = pytest.mark.slow
MSG = [{"role": "user", "content": "Name one use for a brick."}]


def test_generate_against_llama_cpp_server(llama_server):
    m = get_model("openai/smollm2", base_url=llama_server)
    g = m.generate_sync(MSG, temperature=0.0, max_tokens=8, seed=5)
    assert g.text.strip() and 0 < g.tokens <= 8 and g.latency_s > 0
    assert m.source == "openai/smollm2"


def test_run_through_the_server_records_everything_but_the_key(llama_server, tmp_path, monkeypatch):
    monkeypatch.setenv("CB_TEST_SERVER_KEY", "sk-do-not-write-me")
    items = [make_item("brick", n=2, max_tokens=8, temperature=0.9), make_item("rope", n=1, max_tokens=8)]
    s = run_suite("openai/smollm2", out=tmp_path / "r", items=items, cache_dir=tmp_path / "cache", progress=False,
                  model_options={"base_url": llama_server, "api_key_env": "CB_TEST_SERVER_KEY", "concurrency": 2})
    assert (s.ok, s.errors, s.units) == (3, 0, 3)
    df = pd.read_parquet(tmp_path / "r" / "responses.parquet")
    assert (df["text"].str.len() > 0).all() and (df["tokens"] <= 8).all()
    manifest = (tmp_path / "r" / "manifest.json").read_text()
    assert "sk-do-not-write-me" not in manifest
    assert "sk-do-not-write-me" not in (tmp_path / "r" / "responses.jsonl").read_text()
    backend = json.loads(manifest)["backend"]
    assert backend["base_url"] == llama_server and backend["api_key_env"] == "CB_TEST_SERVER_KEY"
