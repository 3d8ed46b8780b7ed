"""The vision judge (unvalidated, off by default) against the loopback chat server.

The loopback server rates from the pixels it receives (mean brightness), so these tests
show that the judge really sends the picture, that it sends the blinded copy (PNG, no
metadata), that a bad reply gets a nudge, and that audio is skipped with a reason.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.errors import BenchError
from benchmark.media import find_metadata, import_manifest
from benchmark.media.vision_judge import VisionJudge
from benchmark.tasks import load_all_tasks
from tests.media.loopback import loopback_server
from tests.media.planted import PLAIN, planted_audio, planted_jpeg, planted_png, tone


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("judge")
    dark = np.full((40, 40, 3), 10, np.uint8)
    bright = np.full((40, 40, 3), 245, np.uint8)
    (root / "dark.png").write_bytes(planted_png(dark))
    (root / "bright.jpg").write_bytes(planted_jpeg(bright))
    planted_audio(root / "clip.wav", "wav", tone(0.8))
    pd.DataFrame([
        {"task_id": "poster", "item": "seed_swap", "source": "firefly/image-3", "media_path": "dark.png"},
        {"task_id": "incomplete_figure", "item": "open_arc", "source": "human/artists", "media_path": "bright.jpg"},
        {"task_id": "jingle", "item": "sock_finder", "source": "human/artists", "media_path": "clip.wav"},
    ]).to_csv(root / "manifest.csv", index=False)
    import_manifest(root / "manifest.csv", root / "run", progress=False)
    return root / "run"


def test_the_judge_sees_the_blinded_image_and_rates_each_dimension(run_dir):
    with loopback_server() as (base_url, state):
        scores = VisionJudge("openai/vision-test", {"base_url": base_url}).score_run(run_dir, progress=False)
    by_task = scores.set_index("task_id")
    assert scores["scorer"].unique().tolist() == ["judge_vision"]
    assert scores["scorer_version"].iloc[0] == "0.1-unvalidated+openai/vision-test"
    assert by_task.loc["poster", "value"] == 1.0 and by_task.loc["incomplete_figure", "value"] == 5.0
    assert np.isnan(by_task.loc["jingle", "value"])
    figure = json.loads(by_task.loc["incomplete_figure", "details"])
    assert figure["validated"] is False and {"originality", "elaboration", "closure", "overall"} <= set(figure)
    assert "images only" in json.loads(by_task.loc["jingle", "details"])["reason"]
    chats = [e for e in state.log if e["kind"] == "chat"]
    assert len(chats) == 2 and {c["media_type"] for c in chats} == {"image/png"}
    for c in chats:
        assert find_metadata(c["image"], "image/png") == [] and not [s for s in PLAIN if s in c["image"]]
    rubric = next(c["text"] for c in chats if "closure" in c["text"])
    assert load_all_tasks()["incomplete_figure"].items[0].prompt.strip()[:60] in rubric


def test_an_unparseable_reply_gets_a_nudge_and_the_command_says_unvalidated(run_dir, tmp_path, capsys):
    with loopback_server() as (base_url, state):
        out = tmp_path / "scores.csv"
        assert main(["media", "judge", "--run", str(run_dir), "--judge-model", "openai/garbled",
                     "-M", f"base_url={base_url}", "--out", str(out), "--quiet"]) == 0
    assert "UNVALIDATED" in capsys.readouterr().out
    scores = pd.read_csv(out)
    assert scores["value"].notna().sum() == 2
    assert max(e["turns"] for e in state.log if e["kind"] == "chat") == 4  # system, user, bad reply, nudge


def test_the_judge_needs_an_openai_compatible_chat_model():
    with pytest.raises(BenchError, match="OpenAI-compatible chat model"):
        VisionJudge("llamacpp/smollm2")
