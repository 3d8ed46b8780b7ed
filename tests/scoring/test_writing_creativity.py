"""writing_creativity: the shipped ridge on real features of real rated stories; bad input; the judge checklist parser."""

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
def rated():
    root = shared_data_dir()
    if root is None or not (root / "writing-dat-gpt" / "all_stories_dsi_lziv_ratings_num-words.csv").is_file():
        pytest.skip("shared/data/writing-dat-gpt is absent: no rated stories")
    from benchmark.scoring.writing_creativity_train import rated_stories

    df = rated_stories(root)
    # the 12 rated lowest and the 12 rated highest by the 5 raters
    df = df.sort_values("StoryRaterMean")
    return pd.concat([df.head(12), df.tail(12)], ignore_index=True)


@pytest.fixture(scope="module")
def scorer():
    import torch

    torch.set_num_threads(1)
    from benchmark.scoring.writing_creativity import WritingCreativity

    return WritingCreativity()


def test_shipped_params_carry_their_provenance_and_cv_figures():
    from benchmark.scoring.writing_creativity import load_params
    from benchmark.scoring.writing_features import FEATURES

    p = load_params()
    assert p["features"] == list(FEATURES) and len(p["coef"]) == len(FEATURES)
    prov, val = p["provenance"], p["validation"]
    assert prov["command"] == "python -m benchmark.scoring.writing_creativity_train" and prov["n"] == 179
    assert "no text" in prov["data"]
    assert 0 < val["cv_r_mean"] <= val["rater_ceiling"] <= 1


def test_ranks_highly_rated_stories_above_poorly_rated_ones(scorer, rated):
    out = scorer.score(_frame(rated["story"]))
    v = out["value"].to_numpy(float)
    assert np.isfinite(v).all()
    low, high = v[:12], v[12:]
    # a threshold, not a fitted figure: the two ends of people's ratings are far apart
    assert high.mean() > low.mean() and np.mean(high[:, None] > low[None, :]) > 0.7
    det = json.loads(out["details"][0])
    assert set(det["features"]) >= {"dsi", "mattr", "zipf_mean"}


def test_repetition_lowers_the_score(scorer, rated):
    story = str(rated["story"].iloc[-1])
    first = story.split(". ")[0].rstrip(".") + "."
    dull = " ".join([first] * max(3, len(story.split()) // max(1, len(first.split()))))
    v = scorer.score(_frame([story, dull]))["value"].to_numpy(float)
    assert v[0] > v[1]


def test_empty_and_one_sentence_texts(scorer):
    out = scorer.score(_frame(["", "   ", "A short line without an ending"], task="haiku"))
    d = [json.loads(x) for x in out["details"]]
    assert math.isnan(out["value"][0]) and d[0]["reason"] == "empty text"
    assert math.isnan(out["value"][1]) and d[1]["reason"] == "empty text"
    assert math.isfinite(out["value"][2]) and d[2]["imputed"] == ["sentence_spread"]


def test_checklist_replies_parse_strictly():
    from benchmark.scoring.judge_checklist import TTCW_TESTS, parse_yes_no, task_tests

    assert parse_yes_no("Yes. The ending follows from the letter.") == (True, "The ending follows from the letter")
    assert parse_yes_no("**No** - it is a cliche")[0] is False
    assert parse_yes_no("Answer: yes, vivid") == (True, "vivid")
    assert parse_yes_no("I think it might") is None and parse_yes_no("") is None
    assert parse_yes_no("Nobody knows") is None  # "no" must be a whole word
    assert {d for _, d, _ in TTCW_TESTS} == {"fluency", "flexibility", "originality", "elaboration"}
    assert task_tests("not_a_task") == list(TTCW_TESTS)


def test_train_rejects_an_unknown_feature_with_one_line(capsys):
    from benchmark.scoring.writing_creativity_train import main

    assert main(["--check", "--features", "dsi,fanciness"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "fanciness" in err[0] and "surprisal_mean" in err[0]
