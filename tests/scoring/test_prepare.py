"""Input preparation: plain tables become full response keys; bad input is one clear line."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmark.errors import BenchError
from benchmark.scoring.prepare import normalise_responses, prepare_responses, split_ideas, text_problem


def test_plain_table_gets_keys_and_suite_fields():
    df = pd.DataFrame({"task_id": ["aut", "aut", "rat", "dat"],
                       "item": ["Tin can", "Tin can", "moon house flash", None],
                       "text": ["a drum\na phone", "a planter", "light", "cat dog tree"]})
    out = prepare_responses(df)
    assert out["item_id"].tolist() == ["tin_can", "tin_can", "moon_house_flash", "dat"]
    assert out["sample_idx"].tolist() == [0, 1, 0, 0]
    assert set(out["source"]) == {"unknown"}
    assert out.loc[0, "family"] == "divergent" and out.loc[0, "answer_format"] == "ideas"
    assert out.loc[2, "solution"] == "light"
    assert out.loc[0, "ideas"] == ["a drum", "a phone"]
    assert out["task_version"].str.len().min() > 0


def test_unknown_task_keeps_item_text_and_no_family():
    out = prepare_responses(pd.DataFrame({"task_id": ["uses_2019"], "item": ["old tyre"], "text": ["swing"]}))
    assert out.loc[0, "item_id"] == "old_tyre"
    assert out.loc[0, "item"] == "old tyre"
    assert out.loc[0, "family"] is None


@pytest.mark.parametrize("text,error,expected", [
    (None, None, "no response text"), (float("nan"), None, "no response text"), ("   ", None, "empty response"),
    ("", "HTTP 500", "generation failed"), ("fine", None, None),
])
def test_text_problems_are_named(text, error, expected):
    got = text_problem(text, error)
    assert (got is None) if expected is None else (expected in got)


def test_missing_columns_is_one_line():
    with pytest.raises(BenchError) as e:
        normalise_responses(pd.DataFrame({"task": ["aut"], "text": ["x"]}), where="my.csv")
    msg = str(e.value)
    assert "my.csv" in msg and "task_id" in msg and "\n" not in msg


def test_duplicate_keys_are_refused():
    df = pd.DataFrame({"task_id": ["aut", "aut"], "item": ["brick", "brick"], "text": ["a", "b"], "sample_idx": [0, 0]})
    with pytest.raises(BenchError, match="share a response key"):
        normalise_responses(df)


def test_split_ideas_strips_numbering_and_bullets():
    assert split_ideas("1. a doorstop\n- paperweight\n\n3) a step") == ["a doorstop", "paperweight", "a step"]
    assert split_ideas("doorstop; paperweight") == ["doorstop", "paperweight"]
    assert split_ideas("a single idea") == ["a single idea"]
