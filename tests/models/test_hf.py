"""hf/: a transformers model, offline, on the SmolLM2 weights shipped as GGUF."""

from __future__ import annotations

import pytest

from benchmark.errors import BenchError
from benchmark.models import get_model
from benchmark.models.llamacpp import smollm2_gguf


@pytest.mark.slow
def test_transformers_generates_from_the_shipped_gguf():
    m = get_model("hf/smollm2", torch_threads=1)
    msg = [{"role": "user", "content": "Name one use for a brick."}]
    a = m.generate_sync(msg, temperature=0.9, max_tokens=4, seed=3)
    b = m.generate_sync(msg, temperature=0.9, max_tokens=4, seed=3)
    assert a.text and a.text == b.text  # torch seed set per call
    assert 0 < a.tokens <= 4
    assert m.settings()["gguf_file"] == smollm2_gguf().name


def test_missing_local_models_are_clear(tmp_path):
    with pytest.raises(BenchError, match="GGUF model file not found"):
        get_model(f"hf/{tmp_path / 'x.gguf'}")
    with pytest.raises(BenchError, match="model folder not found"):
        get_model(f"hf/{tmp_path / 'no-such-folder'}")
