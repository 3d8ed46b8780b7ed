"""openai-images/MODEL against a loopback server that speaks /v1/images/generations.

No image model can run offline, so tests/media/loopback.py stands in for the service
(real HTTP, real PNG bytes) and injects the faults: 429 with Retry-After, 500, a time-out,
broken JSON, base64 that is not an image, a permanent 400. The runner, its retries,
resume and the manifest are the real ones.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmark.errors import BenchError
from benchmark.media import find_metadata, probe
from benchmark.models import get_model
from benchmark.records import MEDIA_COLUMNS, RESPONSE_COLUMNS
from benchmark.runner import RetryPolicy, Runner
from benchmark.tasks import load_task
from tests.media.loopback import loopback_server, png_for

FAST = RetryPolicy(max_attempts=3, initial_s=0.01, max_backoff_s=0.02, jitter_s=0.0)


@pytest.fixture
def server():
    with loopback_server() as served:
        yield served


def _items(k: int = 2):
    return [it.with_generation(n=1) for it in load_task("poster").items[:k]]


def _run(base_url, model, out, items, **options):
    backend = get_model(f"openai-images/{model}", base_url=base_url, **options)
    return Runner(backend, items, out, retry=FAST, progress=False).run(close_model=True)


def test_images_land_in_the_run_folder_and_a_rerun_resumes(server, tmp_path, monkeypatch):
    base_url, state = server
    monkeypatch.setenv("IMAGES_TEST_KEY", "sk-test-not-stored")
    items = _items(2)
    s = _run(base_url, "gpt-image-1", tmp_path / "run", items, api_key_env="IMAGES_TEST_KEY", size="1024x1024")
    assert (s.ok, s.errors) == (2, 0)
    df = pd.read_parquet(tmp_path / "run" / "responses.parquet")
    assert list(df.columns) == RESPONSE_COLUMNS + MEDIA_COLUMNS
    assert set(df["source"]) == {"openai-images/gpt-image-1"} and df["text"].isna().all()
    for row in df.itertuples():
        item = next(it for it in items if it.item_id == row.item_id)
        saved = (tmp_path / "run" / row.media_path).read_bytes()
        assert not row.media_path.startswith("/") and row.media_type == "image/png"
        assert saved == png_for(item.prompt) and probe(saved).media_type == "image/png"
    requests = [e for e in state.log if e["kind"] == "images"]
    assert {e["body"]["prompt"] for e in requests} == {it.prompt for it in items}
    assert all(e["body"] == {"model": "gpt-image-1", "prompt": e["prompt"], "n": 1, "size": "1024x1024"} for e in requests)
    assert {e["authorization"] for e in requests} == {"Bearer sk-test-not-stored"}
    manifest = (tmp_path / "run" / "manifest.json").read_text()
    assert "sk-test-not-stored" not in manifest and json.loads(manifest)["backend"]["api_key_env"] == "IMAGES_TEST_KEY"
    # resume: the same command again asks the server nothing
    again = _run(base_url, "gpt-image-1", tmp_path / "run", items, api_key_env="IMAGES_TEST_KEY", size="1024x1024")
    assert (again.ok, again.skipped, again.generated) == (2, 2, 0)
    assert len([e for e in state.log if e["kind"] == "images"]) == len(requests)


@pytest.mark.parametrize("script,ok,attempts,error", [
    ("script:429@0,ok", 1, 2, None),
    ("script:500,ok", 1, 2, None),
    ("script:badjson,ok", 1, 2, None),
    ("script:notimage,ok", 1, 2, None),
    ("script:hang,ok", 1, 2, None),
    ("url", 1, 1, None),
    ("script:400", 0, 1, "HTTP 400"),
    ("script:500", 0, 3, "gave up after 3 attempts"),
])
def test_faults_are_retried_or_recorded(server, tmp_path, script, ok, attempts, error):
    base_url, state = server
    out = tmp_path / "run"
    s = _run(base_url, script, out, _items(1), timeout=1.0)
    assert s.ok == ok
    rec = [json.loads(line) for line in (out / "responses.jsonl").read_text().splitlines()][-1]
    assert rec["attempts"] == attempts
    if error:
        assert error in rec["error"] and not (out / "media").exists()
    else:
        assert rec["error"] is None and probe((out / rec["media_path"]).read_bytes()).kind == "image"
    if script.startswith("script:429"):
        assert state.log[0]["behaviour"] == "429" and state.log[1]["behaviour"] == "ok"


def test_an_errored_image_is_retried_by_the_next_run(server, tmp_path):
    base_url, _ = server
    out = tmp_path / "run"
    first = _run(base_url, "script:500,500,500,ok", out, _items(1))
    assert (first.ok, first.errors) == (0, 1)
    second = _run(base_url, "script:500,500,500,ok", out, _items(1))
    assert (second.ok, second.errors) == (1, 0)
    df = pd.read_parquet(out / "responses.parquet")
    assert len(df) == 1 and find_metadata((out / df["media_path"].iloc[0]).read_bytes(), "image/png") == []


def test_bad_options_are_one_line(server):
    base_url, _ = server
    with pytest.raises(BenchError, match="response_format"):
        get_model("openai-images/dall-e-3", base_url=base_url, response_format="png")
    with pytest.raises(BenchError, match="unknown option -M temprature"):
        get_model("openai-images/dall-e-3", base_url=base_url, temprature=1)
    assert get_model("openai-images/dall-e-3", base_url=base_url).response_format == "b64_json"
