"""Diversity across samples: distinct of 10 (NoveltyBench) and mean pairwise distance.

The vectorised block computation is checked against a straightforward reference (every
pair in a Python loop, then the greedy partition) on real human AUT answers.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from benchmark.scoring.diversity import Diversity, DiversityDistance
from benchmark.scoring.group_similarity import AnswerSets, distinct_in_draws, expected_distinct, summarise


def _reference_similarity(sets: list[np.ndarray]) -> np.ndarray:
    n = len(sets)
    sim = np.eye(n)
    for i, j in itertools.combinations(range(n), 2):
        s = sets[i] @ sets[j].T
        sim[i, j] = sim[j, i] = (s.max(axis=1).mean() + s.max(axis=0).mean()) / 2.0
    return sim


def _reference_partition(sim: np.ndarray, threshold: float) -> list[int]:
    founders: list[int] = []
    labels: list[int] = []
    for i in range(sim.shape[0]):
        for c, f in enumerate(founders):
            if sim[i, f] >= threshold:
                labels.append(c)
                break
        else:
            founders.append(i)
            labels.append(len(founders) - 1)
    return labels


@pytest.fixture(scope="module")
def brick_ideas(encoder):
    from benchmark.paths import shared_data_dir
    from benchmark.scoring.originality import read_ocsai_jsonl

    data = shared_data_dir()
    if data is None or not (data / "ocsai-aut" / "aut_val.jsonl").is_file():
        pytest.skip("../shared/data/ocsai-aut is not available")
    df = read_ocsai_jsonl(data / "ocsai-aut" / "aut_val.jsonl")
    texts = df.loc[df["item"] == df["item"].value_counts().index[0], "text"].astype(str).str.strip().tolist()[:240]
    return texts, encoder.encode(texts)


@pytest.mark.parametrize("threshold", [0.6, 0.9])
def test_blocks_give_the_reference_partition_on_single_answers(brick_ideas, threshold):
    _, vecs = brick_ideas
    ref_sim = _reference_similarity([v[None, :] for v in vecs])
    ref = _reference_partition(ref_sim, threshold)
    got = summarise(AnswerSets(vecs, np.arange(len(vecs))), threshold, block_elements=len(vecs) * 7)
    assert got.labels.tolist() == ref and 1 < len(set(ref)) < len(ref)
    assert got.mean_distance == pytest.approx(1 - ref_sim[np.triu_indices(len(vecs), 1)].mean(), abs=1e-5)


@pytest.mark.parametrize("threshold", [0.5, 0.6])
def test_blocks_give_the_reference_partition_on_idea_lists(brick_ideas, threshold):
    _, vecs = brick_ideas
    rng = np.random.default_rng(3)
    lists, i = [], 0
    while i < len(vecs):
        size = int(rng.integers(1, 7))
        lists.append(vecs[i:i + size])
        i += size
    lists += [lists[k][::-1] for k in range(0, 12, 3)]  # re-ordered copies are the same answer
    ref_sim = _reference_similarity(lists)
    ref = _reference_partition(ref_sim, threshold)
    got = summarise(AnswerSets.from_lists(lists), threshold, block_elements=len(vecs) * 11)
    assert got.labels.tolist() == ref and len(set(ref)) < len(ref)
    assert got.mean_distance == pytest.approx(1 - ref_sim[np.triu_indices(len(lists), 1)].mean(), abs=1e-5)


def test_expected_distinct_is_the_exact_mean_over_all_subsets():
    labels = np.array([0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4, 5, 5])
    subsets = list(itertools.combinations(range(len(labels)), 10))
    brute = np.mean([len(set(labels[list(s)])) for s in subsets])
    assert expected_distinct(np.bincount(labels), 10) == pytest.approx(brute, abs=1e-12)
    draws = distinct_in_draws(labels, 10, 4000, seed=1)
    assert abs(draws.mean() - brute) < 0.05 and set(draws) <= {4, 5, 6}
    assert expected_distinct(np.array([3, 2, 5]), 10) == 3.0  # all 10 drawn: every class


def _frame(texts, source="m", task="flash_fiction", fmt="text"):
    return pd.DataFrame({"task_id": task, "task_version": "1", "item_id": "x", "source": source,
                         "sample_idx": range(len(texts)), "text": texts, "answer_format": fmt})


def test_same_story_repeated_counts_as_one_answer_of_ten(encoder):
    stories = ["The old lighthouse keeper found a letter in a bottle.",
               "A robot learns to paint by watching the rain.",
               "Two rival bakers fall in love during a flour shortage."]
    texts = [stories[0]] * 12 + stories[1:]
    out = Diversity(encoder=encoder).score(_frame(texts))
    d = json.loads(out["details"][0])
    labels = np.array([0] * 12 + [1, 2])
    brute = np.mean([len(set(labels[list(s)])) for s in itertools.combinations(range(14), 10)])
    assert d["k"] == 10 and d["n_group"] == 14 and d["distinct_all"] == 3
    assert out["value"].nunique() == 1 and out["value"][0] == pytest.approx(brute)
    assert 1 <= d["draws_95"][0] <= d["draws_95"][1] <= 3 and d["seed"] == 0
    assert out["scorer_version"][0].startswith("2.")


def test_fewer_than_ten_answers_say_so(encoder):
    out = Diversity(encoder=encoder).score(_frame(["A cat sails to the moon.", "A cat sails to the moon.",
                                                   "Rain falls upward in a small town."]))
    d = json.loads(out["details"][0])
    assert out["value"].tolist() == [2.0] * 3 and d["n_group"] == 3 and d["k"] == 10 and "only 3 answers" in d["note"]


def test_reordered_idea_lists_are_the_same_answer(encoder):
    a = "doorstop\npaperweight\nbuild a wall"
    b = "build a wall\na paperweight\ndoorstop"
    c = "grind into pigment\nsharpen knives\nplant pot"
    df = pd.DataFrame({"task_id": "aut", "task_version": "1", "item_id": "brick", "source": ["m", "m", "m", "h"],
                       "sample_idx": [0, 1, 2, 0], "text": [a, b, c, a], "answer_format": "ideas"})
    out = Diversity(encoder=encoder).score(df)
    assert out["value"].tolist() == [2.0, 2.0, 2.0, 1.0]  # groups are per source
    assert [json.loads(x)["class"] for x in out["details"][:3]] == [0, 0, 1]


def test_diversity_distance_is_the_mean_pairwise_cosine_distance(encoder):
    texts = ["A cat sails to the moon.", "Rain falls upward in a small town.", "A chef cooks with starlight.",
             "A cat sails to the moon."]
    df = pd.concat([_frame(texts), _frame(["Only one answer here."], source="solo")], ignore_index=True)
    out = DiversityDistance(encoder=encoder).score(df)
    vecs = encoder.encode(texts)
    want = np.mean([1 - float(vecs[i] @ vecs[j]) for i, j in itertools.combinations(range(4), 2)])
    assert out["value"][:4].tolist() == pytest.approx([want] * 4, abs=1e-6)
    assert math.isnan(out["value"][4]) and "only one answer" in json.loads(out["details"][4])["reason"]
    assert json.loads(out["details"][0])["pairs"] == 6


def test_a_rescore_reads_the_group_summary_from_the_cache(encoder, tmp_path, monkeypatch):
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE", str(tmp_path))
    texts = ["A cat sails to the moon.", "Rain falls upward in a small town.", "A cat sails to the moon."]

    class Counting:
        name, calls = encoder.name, []

        def encode(self, batch):
            self.calls.append(list(batch))
            return encoder.encode(batch)

    counting = Counting()
    first = Diversity(encoder=counting).score(_frame(texts))
    again = Diversity(encoder=counting).score(_frame(texts))
    assert len(counting.calls) == 1  # the second pass encodes nothing
    assert again["value"].tolist() == first["value"].tolist() == [2.0] * 3
    assert (tmp_path / "embeddings" / "text-features.sqlite").is_file()
