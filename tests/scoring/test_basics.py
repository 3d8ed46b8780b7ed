"""Fluency, elaboration, flexibility and duplicates on real answers with the real MiniLM."""

from __future__ import annotations

import json

import pandas as pd

from benchmark.scoring.basics import Duplicates, Elaboration, Flexibility, Fluency, classify_ideas, normalise_idea

BRICK = ["doorstop", "hold a door open", "paperweight", "weigh down papers", "build a wall", "build a house",
         "grind into red pigment", "art sculpture"]


def frame(texts: list, task_id: str = "aut") -> pd.DataFrame:
    return pd.DataFrame({"task_id": task_id, "task_version": "1", "item_id": "brick", "item": "brick",
                         "source": "t", "sample_idx": range(len(texts)), "text": texts})


def test_normalise_idea_drops_filler():
    assert normalise_idea("Use it as a DOORSTOP!") == normalise_idea("doorstop") == "doorstop"
    assert normalise_idea("to build a wall") == "build a wall"


def test_fluency_counts_only_valid_ideas():
    valid, invalid = classify_ideas(["doorstop", "", "x", "Use it as a doorstop.", "build a wall"])
    assert valid == ["doorstop", "build a wall"]
    assert [i["reason"] for i in invalid] == ["empty", "too short", "duplicate of idea 0"]
    out = Fluency().score(frame(["1. doorstop\n2. x\n3. use it as a doorstop\n4. build a wall", None, "   "]))
    assert out["value"].tolist()[0] == 2.0
    assert out["value"].isna().tolist() == [False, True, True]
    assert "reason" in json.loads(out["details"][1])


def test_elaboration_is_words_per_valid_idea():
    out = Elaboration().score(frame(["doorstop\ngrind it into red pigment for paint", "x"]))
    assert out["value"][0] == (1 + 7) / 2
    assert out["value"].isna()[1]


def test_flexibility_separates_categories(encoder):
    out = Flexibility(encoder=encoder).score(frame(["\n".join(BRICK), "doorstop\nuse it to prop a door open"]))
    cats = json.loads(out["details"][0])["categories"]
    # doors, paper weights, building and two singletons (pigment, sculpture)
    assert out["value"][0] == 5.0, cats
    assert ["doorstop", "hold a door open"] in cats and ["build a wall", "build a house"] in cats
    assert out["value"][1] == 1.0
    assert "minilm" in out["scorer_version"][0]


def test_duplicates_exact_and_near(encoder):
    text = "doorstop\nUse it as a doorstop\npaperweight\na paper weight\nbuild a wall"
    out = Duplicates(encoder=encoder).score(frame([text, "doorstop\nbuild a wall"]))
    pairs = json.loads(out["details"][0])["pairs"]
    assert [(p["kind"], p["a"], p["b"]) for p in pairs] == [("exact", 0, 1), ("near", 2, 3)], pairs
    assert pairs[1]["similarity"] >= 0.85
    assert out["value"].tolist() == [2.0, 0.0]
