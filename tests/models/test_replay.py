"""replay/FILE: answers from elsewhere (here: people) enter the same pipeline and columns."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmark.errors import BenchError
from benchmark.models import get_model
from benchmark.records import RESPONSE_COLUMNS
from benchmark.runner import run_suite
from tests.runner.helpers import make_item

ITEMS = [make_item("brick", n=1), make_item("fork", n=1)]


def _answers(tmp_path, name="answers.csv", **cols):
    df = pd.DataFrame({"task_id": ["aut", "aut", "aut"], "item_id": ["brick", "brick", "rope"],
                       "text": ["1. doorstop\n2. bookend", "- paperweight", "tie things"], **cols})
    p = tmp_path / name
    if name.endswith(".csv"):
        df.to_csv(p, index=False)
    elif name.endswith(".jsonl"):
        df.to_json(p, orient="records", lines=True)
    else:
        df.to_parquet(p)
    return p


def test_human_answers_keep_their_source_and_get_parsed(tmp_path):
    p = _answers(tmp_path, source=["human/pool-a"] * 3)
    s = run_suite(f"replay/{p}", out=tmp_path / "r", items=ITEMS, progress=False, use_cache=False)
    df = pd.read_parquet(tmp_path / "r" / "responses.parquet")
    assert list(df.columns) == RESPONSE_COLUMNS
    assert set(df["source"]) == {"human/pool-a"}
    # brick has two answers in the file (two participants): two samples; fork has none: one errored unit
    assert (s.ok, s.errors) == (2, 1)
    brick = df[df["item_id"] == "brick"].sort_values("sample_idx")
    assert list(brick["ideas"].iloc[0]) == ["doorstop", "bookend"] and list(brick["ideas"].iloc[1]) == ["paperweight"]
    fork = df[df["item_id"] == "fork"]
    assert fork["error"].tolist() == ["no replayed answer"] and fork["text"].isna().all()


@pytest.mark.parametrize("name", ["answers.jsonl", "answers.parquet"])
def test_source_from_option_and_other_formats(tmp_path, name):
    p = _answers(tmp_path, name=name, sample_idx=[0, 1, 0])
    m = get_model(f"replay/{p}", source="openai/gpt-4o-by-hand")
    assert m.source == "openai/gpt-4o-by-hand" and m.sources == ["openai/gpt-4o-by-hand"]
    s = run_suite(m, out=tmp_path / "r", items=ITEMS, n=2, progress=False)
    assert (s.units, s.ok, s.errors) == (4, 2, 2)  # --n 2: fork's two units have no answer


def test_several_sources_in_one_file(tmp_path):
    p = _answers(tmp_path, source=["human/a", "human/b", "human/a"])
    s = run_suite(f"replay/{p}", out=tmp_path / "r", items=[make_item("brick"), make_item("rope")], progress=False)
    df = pd.read_parquet(tmp_path / "r" / "responses.parquet")
    assert sorted(zip(df["item_id"], df["source"], df["error"].isna())) == [
        ("brick", "human/a", True), ("brick", "human/b", True), ("rope", "human/a", True), ("rope", "human/b", False)]
    assert s.ok == 3


def test_no_source_is_never_guessed(tmp_path):
    p = _answers(tmp_path)
    with pytest.raises(BenchError, match="no 'source' column"):
        get_model(f"replay/{p}")


def test_bad_replay_files(tmp_path):
    with pytest.raises(BenchError, match="file not found"):
        get_model(f"replay/{tmp_path / 'absent.csv'}", source="human/x")
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"task_id": ["aut"], "answer": ["x"]}).to_csv(bad, index=False)
    with pytest.raises(BenchError, match="missing column"):
        get_model(f"replay/{bad}", source="human/x")
    dup = _answers(tmp_path, name="dup.csv", sample_idx=[0, 0, 0], source=["human/a"] * 3)
    with pytest.raises(BenchError, match=r"rows share a response key \(task_id aut, item_id brick"):
        get_model(f"replay/{dup}")
