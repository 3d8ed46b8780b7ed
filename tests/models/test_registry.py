"""Choosing a backend: provider registry, -M options, source naming, secrets."""

from __future__ import annotations

import pytest

from benchmark.errors import BenchError
from benchmark.models import MODELS, get_model, parse_model_options, without_secrets


LOCAL = "http://127.0.0.1:9/v1"


def test_providers_are_registered_lazily():
    assert MODELS.names() == ["hf", "llamacpp", "openai", "openai-images", "replay"]


@pytest.mark.parametrize(("spec", "hint"), [("llamacp/smollm2", "llamacpp"), ("opnai/gpt-4o", "openai"), ("replya/x.csv", "replay")])
def test_typo_suggests_the_closest_provider(spec, hint):
    with pytest.raises(BenchError, match=f"did you mean '{hint}'"):
        get_model(spec)


def test_options_are_coerced():
    opts = parse_model_options(["n_ctx=2048", "temperature=0.5", "verbose=true", "send_seed=no", "base_url=http://h:1/v1",
                                "source=human/pool-a", "api_key_env=MY_KEY", "x=none"])
    assert opts == {"n_ctx": 2048, "temperature": 0.5, "verbose": True, "send_seed": False, "base_url": "http://h:1/v1",
                    "source": "human/pool-a", "api_key_env": "MY_KEY", "x": None}
    assert isinstance(opts["n_ctx"], int) and isinstance(opts["temperature"], float)


@pytest.mark.parametrize("bad", ["novalue", "=3", "a b=1"])
def test_bad_option_syntax(bad):
    with pytest.raises(BenchError, match="bad model option"):
        parse_model_options([bad])


def test_unknown_option_suggests_a_known_one():
    with pytest.raises(BenchError, match="did you mean 'timeout'"):
        get_model("openai/m", timout=3)


def test_model_output_is_never_labelled_human():
    with pytest.raises(BenchError, match="reserved for human answers"):
        get_model("openai/m", source="human/pool")
    assert get_model("openai/m", source="openai/m-2026", base_url=LOCAL).source == "openai/m-2026"


def test_secrets_never_reach_settings(monkeypatch):
    monkeypatch.setenv("CB_TEST_KEY", "sk-very-secret")
    m = get_model("openai/m", api_key_env="CB_TEST_KEY", base_url="http://127.0.0.1:9/v1")
    assert "sk-very-secret" not in repr(m.settings()) and m.settings()["api_key_env"] == "CB_TEST_KEY"
    assert without_secrets({"api_key": "x", "auth_token": "y", "n_ctx": 3}) == {"n_ctx": 3}


def test_concurrency_option():
    assert get_model("openai/m", base_url=LOCAL).concurrency == 8
    assert get_model("openai/m", base_url=LOCAL, concurrency=32).concurrency == 32
    with pytest.raises(BenchError, match="at least 1"):
        get_model("openai/m", base_url=LOCAL, concurrency=0)


def test_the_openai_api_needs_a_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(BenchError, match="OPENAI_API_KEY is not set"):
        get_model("openai/gpt-4o")
    assert get_model("openai/local", base_url=LOCAL).settings()["base_url"] == LOCAL  # local servers need none


def test_backend_dependencies_load_only_when_chosen():
    import subprocess
    import sys

    code = ("import sys, benchmark.models, benchmark.runner; "
            "print(sorted(x for x in ('llama_cpp', 'transformers', 'torch', 'aiohttp') if x in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
