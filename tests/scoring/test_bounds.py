"""Bounded work per response: long answers are truncated for scoring with a reason, and
the pairwise structures (duplicates, flexibility) work in row blocks."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmark.errors import BenchError
from benchmark.scoring import basics
from benchmark.scoring.prepare import MAX_CHARS, MAX_IDEAS, cap_ideas, cut_text, response_limits


def test_defaults_env_and_arguments(monkeypatch):
    assert response_limits() == response_limits(MAX_IDEAS, MAX_CHARS)
    monkeypatch.setenv("CREATIVITY_BENCH_MAX_IDEAS", "50")
    assert response_limits().max_ideas == 50 and response_limits(max_ideas=7).max_ideas == 7
    monkeypatch.setenv("CREATIVITY_BENCH_MAX_CHARS", "lots")
    with pytest.raises(BenchError, match="CREATIVITY_BENCH_MAX_CHARS.*whole number"):
        response_limits()
    with pytest.raises(BenchError, match="at least 1"):
        response_limits(max_ideas=0, max_chars=10)


def test_cut_text_keeps_whole_lines_and_says_what_was_cut():
    text = "\n".join(f"idea number {i}" for i in range(1000))
    cut, why = cut_text(text, 100)
    assert len(cut) <= 100 and cut.endswith(cut.splitlines()[-1]) and text.startswith(cut + "\n")
    assert f"of {len(text):,} characters" in why
    assert cut_text("short", 100) == ("short", None)
    ideas, why = cap_ideas([f"i{k}" for k in range(300)], 200)
    assert len(ideas) == 200 and "first 200 of 300 ideas" in why


def test_a_huge_answer_is_scored_truncated_with_the_reason(encoder):
    import pandas as pd

    from benchmark.scoring import score_responses

    huge = "\n".join(f"use the brick as tool number {i}" for i in range(5000))
    df = pd.DataFrame({"task_id": "aut", "item": "brick", "text": [huge, "doorstop\npaperweight"], "source": "m"})
    s = score_responses(df, ["fluency", "duplicates"], progress=False, max_ideas=40)
    d = {(r.sample_idx, r.scorer): (r.value, json.loads(r.details)) for r in s.itertuples()}
    value, det = d[(0, "fluency")]
    assert value == 40 and "first 40 of" in det["truncated"] and "characters" in det["truncated"]
    assert "truncated" not in d[(1, "fluency")][1] and d[(1, "fluency")][0] == 2


def test_near_pairs_in_blocks_match_the_full_matrix(encoder, monkeypatch):
    ideas = ["use it as a doorstop", "as a door stop", "a paperweight", "weigh down papers", "paper weight",
             "build a wall", "build a house", "a doorstop for the door", "grind into pigment", "red pigment"]
    vecs = encoder.encode(ideas)
    full = vecs @ vecs.T
    want = {(a, b) for a in range(10) for b in range(a + 1, 10) if full[a, b] >= 0.7}
    monkeypatch.setattr("benchmark.scoring.group_similarity.BLOCK_ELEMENTS", 25)  # 2 rows a block
    a, b, sims = basics.near_pairs(vecs, 0.7)
    assert set(zip(a.tolist(), b.tolist())) == want and len(want) > 1
    assert np.allclose(sims, [full[i, j] for i, j in zip(a, b)])


def test_flexibility_falls_back_to_a_linear_memory_pass_and_says_so(encoder, monkeypatch):
    import pandas as pd

    text = "doorstop\nhold a door open\npaperweight\nweigh down papers\ngrind into pigment\nsculpture"
    df = pd.DataFrame({"task_id": "aut", "task_version": "1", "item_id": "brick", "source": "m",
                       "sample_idx": [0], "text": [text]})
    exact = json.loads(basics.Flexibility(encoder=encoder).score(df)["details"][0])
    monkeypatch.setattr(basics, "FLEX_EXACT_MAX", 3)
    out = basics.Flexibility(encoder=encoder).score(df)
    d = json.loads(out["details"][0])
    assert exact["method"] == "average linkage" and d["method"].startswith("leader pass")
    assert 2 <= out["value"][0] <= 6 and sum(len(c) for c in d["categories"]) == 6
