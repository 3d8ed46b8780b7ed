"""Study design from runs and human files: pooling, blinding, modes, checks, bad input."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from sqlalchemy import select

from benchmark.errors import BenchError
from benchmark.studies import Store, StudySpec, create_study, design_study, load_sources
from benchmark.studies.checks import EXTRA_CHECKS
from benchmark.studies.models import Item, ItemText, SourceMap
from tests.studies.fixtures import make_run, stevenson_humans


@pytest.fixture
def stevenson(shared_data, tmp_path):
    """Real AUT answers (Stevenson et al. 2022): people's as a human file, GPT-3's as a run."""
    df = pd.read_csv(shared_data / "stevenson-human-vs-gpt3" / "aut_human_vs_gpt3.csv")
    df = df.groupby(["human", "object"]).head(6)  # a small, fixed slice
    out = pd.DataFrame({"task_id": "aut", "item_id": df["object"].str.replace(" ", "_"), "text": df["response"]})
    human = out[df["human"] == "human"].assign(source="human/stevenson2022")
    human.to_csv(tmp_path / "human.csv", index=False)
    model = out[df["human"] == "GPT-3"].assign(source="openai/gpt-3-davinci")
    model["sample_idx"] = model.groupby("item_id").cumcount()
    (tmp_path / "gpt3").mkdir()
    model.to_parquet(tmp_path / "gpt3" / "responses.parquet", index=False)
    return tmp_path / "gpt3", tmp_path / "human.csv"


def test_likert_study_pools_a_run_and_real_human_answers(stevenson, tmp_path):
    run, human = stevenson
    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    info = create_study(store, StudySpec("mix", k=2, seed=7, check_rate=0.1), runs=[run], humans=[human])
    assert info["sources"] == ["human/stevenson2022", "openai/gpt-3-davinci"]
    assert info["items"] == 36 - info["excluded_revealing"] and info["ratings_needed"] == info["items"] * 2
    cfg = store.get_study("mix")["config"]
    assert [d["name"] for d in cfg["dimensions"]] == ["originality", "usefulness", "surprise", "overall"]
    assert cfg["dimensions"][0]["anchors"]["1"]  # anchors come from the task's YAML
    assert cfg["dimensions"][0]["scale"] == "ordinal" and cfg["dimensions"][0]["levels"] == 5
    assert cfg["check_rate"] == 0.1 and cfg["checks_per_rater"] == info["checks_per_rater"] >= 1
    with store.read() as conn:
        texts = conn.execute(select(ItemText.text_id, ItemText.prompt)).all()
        smap = conn.execute(select(SourceMap.text_id, SourceMap.source, SourceMap.response_item_id)).all()
        kinds = Counter(r[0] for r in conn.execute(select(Item.kind)))
    # enough distinct checks for any rater's session, and a few more
    assert kinds["attention"] == info["checks_per_rater"] + EXTRA_CHECKS
    assert kinds["practice"] == 2 and kinds["item"] == info["items"]
    # rater-facing text ids are opaque and share nothing with sources or objects
    assert all(t.startswith("t-") for t, _ in texts)
    assert {p for _, p in texts if "tin can" in p or "tin_can" in p}  # the task's own prompt
    assert Counter(s for _, s, _ in smap) == {"human/stevenson2022": 18, "openai/gpt-3-davinci": 18}


def test_the_same_seed_gives_the_same_design(run_dir):
    df = load_sources([run_dir])
    a = design_study(StudySpec("x", seed=3), df)
    b = design_study(StudySpec("x", seed=3), df)
    c = design_study(StudySpec("x", seed=4), df)
    strip = lambda d: [(i["item_id"], i["text_a"]) for i in d["items"]]  # noqa: E731
    assert strip(a) == strip(b) and strip(a) != strip(c)


def test_revealing_responses_are_left_out_by_default_and_reported(tmp_path):
    run = make_run(tmp_path / "r", texts={("llamacpp/smollm2", "brick", 0): "As an AI language model, I suggest a doorstop.",
                                          ("openai/gpt-4o-mini", "fork", 1): "Sure! Here are some uses:\n- comb"})
    df = load_sources([run])
    d = design_study(StudySpec("x"), df)
    assert d["config"]["n_excluded"] == 2
    hidden = {s["text_id"] for s in d["sources"] if s["excluded"]}
    assert hidden and not hidden & {i["text_a"] for i in d["items"]}
    kept = design_study(StudySpec("x", include_revealing=True), df)
    assert kept["config"]["n_excluded"] == 0 and kept["config"]["n_flagged"] == 2
    assert len([i for i in kept["items"] if i["kind"] == "item"]) == 12


def test_layout_is_normalised_in_what_raters_see(tmp_path):
    run = make_run(tmp_path / "r", texts={("llamacpp/smollm2", "brick", 0): "* **Doorstop**\n* Bookend",
                                          ("openai/gpt-4o-mini", "brick", 0): "1. Doorstop\n\n2. Bookend"})
    d = design_study(StudySpec("x"), load_sources([run]))
    by_source = {s["source"]: s["text_id"] for s in d["sources"] if s["sample_idx"] == 0 and s["response_item_id"] == "brick"}
    text = {t["text_id"]: t["text"] for t in d["texts"]}
    assert text[by_source["llamacpp/smollm2"]] == text[by_source["openai/gpt-4o-mini"]] == "1. Doorstop\n2. Bookend"


def test_pairwise_pairs_different_sources_on_the_same_task_item(run_dir):
    d = design_study(StudySpec("p", mode="pairwise", max_pairs_per_prompt=5), load_sources([run_dir]))
    src = {s["text_id"]: (s["source"], s["response_item_id"]) for s in d["sources"]}
    pairs = [(i["text_a"], i["text_b"]) for i in d["items"] if i["kind"] == "item"]
    assert len(pairs) == 10  # 2 objects x min(9 cross-source pairs, 5)
    for a, b in pairs:
        assert src[a][0] != src[b][0] and src[a][1] == src[b][1]
    assert [x["name"] for x in d["config"]["dimensions"]] == ["creativity"]


def test_turing_checks_and_gold_items(run_dir, tmp_path, shared_data):
    gold = pd.DataFrame({"text": ["a gold answer"], "source": ["openai/gpt-4o-mini"]})
    people = stevenson_humans(shared_data, tmp_path / "people.csv")
    d = design_study(StudySpec("t", mode="turing"), load_sources([run_dir], [people]), gold)
    kinds = Counter(i["kind"] for i in d["items"])
    per_rater = d["summary"]["checks_per_rater"]
    assert kinds == {"item": 14, "attention": per_rater + EXTRA_CHECKS, "gold": 1, "practice": 2}
    g = next(i for i in d["items"] if i["kind"] == "gold")
    assert g["expected"] == {"guess": "ai"}


def test_human_file_with_model_sources_is_refused(run_dir):
    with pytest.raises(BenchError, match="non-human source"):
        load_sources(humans=[run_dir])


def test_human_file_without_source_needs_a_pool(tmp_path):
    p = tmp_path / "h.jsonl"
    pd.DataFrame({"task_id": ["aut"], "item_id": ["brick"], "text": ["a doorstop"]}).to_json(p, orient="records", lines=True)
    with pytest.raises(BenchError, match="--pool"):
        load_sources(humans=[p])
    df = load_sources(humans=[p], pool="lab-2026")
    assert df["source"].tolist() == ["human/lab-2026"] and df["task_version"].iloc[0] != "unknown"


def test_bad_inputs_fail_in_one_line(tmp_path, run_dir):
    with pytest.raises(BenchError, match="no responses given"):
        load_sources()
    (tmp_path / "empty").mkdir()
    with pytest.raises(BenchError, match="no responses.parquet"):
        load_sources([tmp_path / "empty"])
    with pytest.raises(BenchError, match="share a response key"):
        load_sources([run_dir, run_dir])
    with pytest.raises(BenchError, match="unknown study mode"):
        design_study(StudySpec("x", mode="ranking"), load_sources([run_dir]))
    with pytest.raises(BenchError, match="pairwise needs at least two sources"):
        design_study(StudySpec("x", mode="pairwise"), load_sources([make_run(tmp_path / "one", sources=("a/b",))]))
