"""dsi: the real MiniLM token states on real published texts, long and empty texts, the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from benchmark.paths import shared_data_dir


def _frame(texts, task="flash_fiction"):
    return pd.DataFrame({"task_id": task, "task_version": "1", "item_id": "x", "source": "s",
                         "sample_idx": range(len(texts)), "text": list(texts)})


@pytest.fixture(scope="module")
def scorer():
    import torch

    torch.set_num_threads(1)
    from benchmark.scoring.dsi import DivergentSemanticIntegration

    return DivergentSemanticIntegration()


@pytest.fixture(scope="module")
def published():
    root = shared_data_dir()
    if root is None or not (root / "writing-dat-gpt" / "concatenated_results_stories.csv").is_file():
        pytest.skip("shared/data/writing-dat-gpt is absent: no published DSI to compare with")
    from benchmark.scoring.validate_dsi import published as load

    df = load(root)
    # 8 texts of each of 4 model x condition groups: short haiku to 100-word stories
    groups = [("human", "haiku"), ("IMDB (human)", "synopsis"), ("GPT4", "flash-fiction"), ("Vicuna", "haiku")]
    parts = [df[(df.model == m) & (df.condition == c)].sample(n=8, random_state=1) for m, c in groups]
    return pd.concat(parts, ignore_index=True)


def test_mean_pairwise_distance_is_exact():
    from benchmark.scoring.dsi import mean_pairwise_distance

    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 16))
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    cos = u @ u.T
    brute = 1 - cos[np.triu_indices(30, k=1)].mean()
    assert mean_pairwise_distance(u) == pytest.approx(brute, abs=1e-9)
    assert math.isnan(mean_pairwise_distance(u[:1]))


def test_sentences_follow_the_published_handling():
    from benchmark.scoring.dsi import sentences

    assert sentences('She said, "don\'t go." Then? Rain falls\nsoftly') == ["She said dont go", "Then", "Rain falls softly"]
    assert sentences("!!! ...") == []


def test_tracks_published_dsi_on_real_texts(scorer, published):
    out = scorer.score(_frame(published["story"]))
    ours = out["value"].to_numpy(float)
    assert np.isfinite(ours).all()
    r = np.corrcoef(ours, published["DSI"].to_numpy(float))[0, 1]
    assert r > 0.7  # validate_dsi reports the full figure; a broken layer or pooling falls far below
    # haiku are less spread than stories, as in the published values
    haiku = published["condition"].eq("haiku").to_numpy()
    assert ours[haiku].mean() < ours[~haiku].mean()
    det = json.loads(out["details"][0])
    assert det["layers"] == list(scorer.layers) and det["tokens"] > 0


def test_empty_punctuation_and_very_long_texts(scorer, published):
    story = " ".join(published["story"].iloc[8:16])  # 8 real synopses
    words = story.split()
    long = " ".join((words * (20000 // len(words) + 1))[:20000])
    out = scorer.score(_frame(["", None, "?!", long]))
    v = out["value"].tolist()
    d = [json.loads(x) for x in out["details"]]
    assert math.isnan(v[0]) and d[0]["reason"] == "empty text"
    assert math.isnan(v[1]) and d[1]["reason"] == "empty text"
    assert math.isnan(v[2]) and "no word tokens" in d[2]["reason"]
    assert 0 < v[3] < 1 and d[3]["sentences_used"] == 400 and d[3]["sentences"] > 400
    assert d[3]["sample_seed"] == 0 and "sample of 400" in d[3]["note"]


def test_score_cli_on_a_plain_csv_of_stories(tmp_path, scorer, published, capsys):
    from benchmark.cli import main

    csv = tmp_path / "stories.csv"
    pd.DataFrame({"task_id": "flash_fiction", "item": "a door that was not there yesterday",
                  "text": list(published["story"].iloc[16:20]) + [""], "source": "human/mine"}).to_csv(csv, index=False)
    out = tmp_path / "s.csv"
    assert main(["score", "--responses", str(csv), "--scorer", "dsi", "--out", str(out)]) == 0
    s = pd.read_csv(out)
    assert len(s) == 5 and s["value"].iloc[:4].notna().all() and math.isnan(s["value"].iloc[4])
    assert json.loads(s["details"].iloc[4])["reason"] == "empty text"
