"""Remote Associates accuracy: tolerant of case, plurals, spacing and answer phrasing."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmark.scoring.rat import RemoteAssociates, is_correct


@pytest.mark.parametrize("text,solution", [
    ("Cheese", "cheese"), ("cheeses", "cheese"), (" cheese.", "cheese"), ("ice cream", "icecream"),
    ("Ice-cream", "ice cream"), ("**Answer:** Light", "light"), ("The answer is: berries", "berry"),
    ("matches\nbecause matchbox...", "match"), ("Boat - showboat, lifeboat, rowboat", "boat"),
    ("glass", "glass/glasses"), ("The answer is: light.", "light"), ('The answer is "Man".', "man"),
])
def test_correct_answers(text, solution):
    assert is_correct(text, solution)[0]


@pytest.mark.parametrize("text,solution", [
    ("cake", "cheese"), ("ice", "ice cream"), ("I think it might be bread or cheese", "cheese"),
    ("glas", "glass"), ("", "cheese"),
])
def test_wrong_answers(text, solution):
    assert not is_correct(text, solution)[0]


def plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def test_scorer_on_suite_items_and_bowden_solutions(shared_data):
    bowden = pd.read_csv(shared_data / "rat-bowden" / "bowden2003_rat144.csv")
    df = pd.DataFrame({
        "task_id": "rat", "task_version": "1", "item_id": [f"b{i}" for i in range(len(bowden))], "source": "t",
        "sample_idx": 0, "solution": bowden["solution"],
        "text": [f"{plural(s).upper()}." for s in bowden["solution"]],  # shouted plural with a full stop
    })
    out = RemoteAssociates().score(df)
    assert (out["value"] == 1.0).all()
    wrong = RemoteAssociates().score(df.assign(text=bowden["cue1"]))
    assert (wrong["value"] == 0.0).mean() > 0.95


def test_missing_solution_is_nan_with_reason():
    df = pd.DataFrame({"task_id": ["rat"], "task_version": "1", "item_id": ["x"], "source": "s", "sample_idx": [0],
                       "text": ["light"], "solution": [None]})
    out = RemoteAssociates().score(df)
    assert out["value"].isna().all()
    assert "solution" in json.loads(out["details"][0])["reason"]
