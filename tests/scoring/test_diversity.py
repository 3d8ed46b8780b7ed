"""Diversity across samples: repeated answers collapse into one class."""

from __future__ import annotations

import json

import pandas as pd

from benchmark.scoring.diversity import Diversity, greedy_partition


def test_greedy_partition_joins_the_first_similar_founder():
    import numpy as np

    sim = np.array([[1, .95, .1], [.95, 1, .2], [.1, .2, 1]])
    assert greedy_partition(sim, 0.9) == [0, 0, 1]


def test_same_story_ten_times_is_one_answer(encoder):
    texts = ["The old lighthouse keeper found a letter in a bottle."] * 4 + [
        "A robot learns to paint by watching the rain.", "Two rival bakers fall in love during a flour shortage."]
    df = pd.DataFrame({"task_id": "flash_fiction", "task_version": "1", "item_id": "x", "source": "m",
                       "sample_idx": range(6), "text": texts, "answer_format": "text"})
    out = Diversity(encoder=encoder).score(df)
    assert set(out["value"]) == {3.0}
    d = json.loads(out["details"][0])
    assert d["group_size"] == 6 and d["distinct"] == 3 and 0 < d["mean_pairwise_distance"] < 1


def test_reordered_idea_lists_are_the_same_answer(encoder):
    a = "doorstop\npaperweight\nbuild a wall"
    b = "build a wall\na paperweight\ndoorstop"
    c = "grind into pigment\nsharpen knives\nplant pot"
    df = pd.DataFrame({"task_id": "aut", "task_version": "1", "item_id": "brick", "source": ["m", "m", "m", "h"],
                       "sample_idx": [0, 1, 2, 0], "text": [a, b, c, a], "answer_format": "ideas"})
    out = Diversity(encoder=encoder).score(df)
    assert out["value"].tolist() == [2.0, 2.0, 2.0, 1.0]  # groups are per source
    assert json.loads(out["details"][1])["class"] == 0
