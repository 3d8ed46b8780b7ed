"""score_responses: scorers run only where they apply; unscorable text is NaN with a reason."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmark.errors import BenchError
from benchmark.scoring import score_responses
from benchmark.scoring.pipeline import applies


def test_each_scorer_only_where_it_applies():
    df = pd.DataFrame({
        "task_id": ["aut", "dat", "haiku", "rat"],
        "item": ["brick", None, "x", "moon house flash"],
        "text": ["doorstop\nasdkj qwelkj zxcmn", "cat\ndog\ntable\nvolcano\njustice\nspoon\ngalaxy", "Leaves fall", "light"],
        "source": "m",
    })
    s = score_responses(df, ["fluency", "dat", "rat"], progress=False)
    assert sorted(zip(s["task_id"], s["scorer"])) == [("aut", "fluency"), ("dat", "dat"), ("rat", "rat")]
    assert set(s.columns) >= {"human_percentile", "norm_id"}


def test_garbage_is_scored_but_flagged():
    df = pd.DataFrame({"task_id": "aut", "item": "brick", "text": ["qwzx plorf gnnnk vrrbt", "a doorstop"], "source": "m"})
    s = score_responses(df, ["fluency"], progress=False)
    flags = [json.loads(d).get("flag_not_english") for d in s["details"]]
    assert flags[0] is not None and flags[0] > 0.5 and flags[1] is None
    assert s["value"].tolist() == [1.0, 1.0]


def test_generation_errors_are_nan_with_the_error():
    df = pd.DataFrame({"task_id": "aut", "item": "brick", "text": [""], "error": ["HTTP 500 from server"], "source": "m"})
    s = score_responses(df, ["fluency", "elaboration"], progress=False)
    assert s["value"].isna().all()
    assert all("generation failed: HTTP 500" in json.loads(d)["reason"] for d in s["details"])


def test_applicability_rules():
    story = {"task_id": "haiku", "family": "writing", "answer_format": "text", "solution": None, "task_scorers": ("judge_writing",)}
    aut = {"task_id": "aut", "family": "divergent", "answer_format": "ideas", "solution": None, "task_scorers": ("fluency",)}
    assert not applies("dat", story) and not applies("fluency", story) and applies("judge_writing", story)
    assert applies("flexibility", aut) and not applies("judge_writing", aut) and not applies("rat", aut)


def test_empty_table_and_unknown_option_key():
    with pytest.raises(BenchError, match="no responses"):
        score_responses(pd.DataFrame({"task_id": [], "item": [], "text": []}), ["fluency"], progress=False)
    with pytest.raises(BenchError, match="did you mean 'dat'"):
        score_responses(pd.DataFrame({"task_id": ["dat"], "item": ["dat"], "text": ["x"]}), ["dat"], dta={"vectors": "x"})
