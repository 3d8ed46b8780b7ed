"""The learned originality scorer: validity on the ocsai val split, flags, refitting."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from benchmark.cli import main as cli_main
from benchmark.errors import BenchError
from benchmark.scoring.base import Scorer
from benchmark.scoring.originality import LearnedOriginality, OriginalityModel, read_ocsai_jsonl, read_ratings


def frame(items, texts, task_id="aut", ideas=None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({
        "task_id": task_id, "task_version": "1", "item_id": [str(i) for i in items], "source": "human/test",
        "sample_idx": range(n), "item": items, "text": texts, "ideas": ideas if ideas is not None else [None] * n,
    })


@pytest.fixture(scope="module")
def scorer() -> LearnedOriginality:
    return LearnedOriginality()


@pytest.fixture(scope="module")
def ocsai(shared_data):
    d = shared_data / "ocsai-aut"
    return {"aut_val": read_ocsai_jsonl(d / "aut_val.jsonl"), "all_val": read_ocsai_jsonl(d / "alltasks_val.jsonl")}


def test_is_a_scorer_with_shipped_provenance(scorer):
    assert isinstance(scorer, Scorer) and scorer.name == "originality"
    prov = scorer.model.provenance
    assert prov["fit"]["n_train"] > 10_000 and "aut_train" in prov["source"]
    assert {"seed", "versions", "date", "feature_version"} <= set(prov)


def test_shipped_params_hold_only_aggregate_figures(scorer):
    """No array with one row per training response; every stored cluster mean rests on >= MIN_CLUSTER responses."""
    from benchmark.scoring.originality.codebook import MIN_CLUSTER
    from benchmark.scoring.originality.model import DEFAULT_PARAMS_DIR, PARAMS_FILE

    prov = scorer.model.provenance
    per_task = prov["n_train_by_task"]
    row_counts = {prov["fit"]["n_train"], *per_task.values()}
    z = np.load(DEFAULT_PARAMS_DIR / PARAMS_FILE, allow_pickle=False)
    for name in z.files:
        assert not set(z[name].shape) & row_counts, (name, z[name].shape)
        assert "ratings" not in name and "item_idx" not in name, name
    for task, head in scorer.model.heads.items():
        cb = head.codebook
        assert cb.counts.min() >= MIN_CLUSTER, task
        assert cb.counts.sum() <= per_task[task] and len(cb.counts) <= per_task[task] / MIN_CLUSTER
        assert len(cb.means) == len(cb.counts) == cb.codes.shape[0] == len(cb.cluster_item)
        assert np.all((cb.means >= 1.0) & (cb.means <= 5.0))
    assert "no per-response figures" in prov["memory"]


def test_codebook_dissolves_small_clusters_and_leaves_one_out():
    from benchmark.scoring.originality.codebook import fit_codebook

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 8))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = rng.uniform(1, 5, size=60)
    items = ["brick"] * 57 + ["rope"] * 3  # rope has too few rows for one cluster: not stored
    fc = fit_codebook(x, items, y, seed=0, rows_per_cluster=5, min_size=5)
    cb = fc.codebook
    assert cb.items == ["brick"] and cb.counts.min() >= 5 and cb.counts.sum() == 57
    assert cb.knows("Brick") and not cb.knows("rope")
    assert np.allclose(fc.rating_sums / cb.counts, cb.means, atol=1e-5)
    # leave-one-out: a row's own rating no longer moves its feature
    a = fc.loo_features(x, items, y)
    y2 = y.copy()
    y2[0] += 3.0
    fc2 = fit_codebook(x, items, y2, seed=0, rows_per_cluster=5, min_size=5)
    b = fc2.loo_features(x, items, y2)
    assert a[0] == pytest.approx(b[0]) and not np.allclose(a[1:57, 0], b[1:57, 0])
    assert np.isnan(a[57:]).all()
    # at prediction time an unseen query gets finite features for a known item, NaN otherwise
    q = cb.neighbour_features(x[:2], ["brick", "umbrella"])
    assert np.isfinite(q[0]).all() and np.isnan(q[1]).all()


def test_val_pearson_at_least_075_on_full_aut_val(scorer, ocsai):
    val = ocsai["aut_val"]
    out = scorer.score(frame(list(val["item"]), list(val["text"])))
    v = out["value"].to_numpy()
    m = ~np.isnan(v)
    assert m.mean() > 0.97  # only empty/garbage rows may be unscored
    assert np.all((v[m] >= 1.0) & (v[m] <= 5.0))
    r = np.corrcoef(v[m], val["rating"].to_numpy()[m])[0, 1]
    assert r >= 0.75, r


@pytest.mark.parametrize("task", ["consequences", "instances"])
def test_other_tasks_agree_with_humans(scorer, ocsai, task):
    part = ocsai["all_val"][ocsai["all_val"]["task"] == task]
    out = scorer.score(frame(list(part["item"]), list(part["text"]), task_id=task))
    v = out["value"].to_numpy()
    m = ~np.isnan(v)
    r = np.corrcoef(v[m], part["rating"].to_numpy()[m])[0, 1]
    assert r >= 0.5, (task, r)


def test_unseen_object_is_scored_and_flagged(scorer):
    out = scorer.score(frame(["brick", "umbrella", "umbrella"], ["build a wall", "use as a boat for a mouse", "keep rain off"]))
    d = [json.loads(x) for x in out["details"]]
    assert d[0]["out_of_domain"] is False
    assert d[1]["out_of_domain"] is True and d[2]["out_of_domain"] is True
    assert np.isfinite(out["value"]).all()
    # the model still ranks the unusual use above the obvious one
    assert out["value"][1] > out["value"][2]


def test_suite_wording_of_a_consequences_scenario_is_in_domain(scorer):
    """ocsai says "if PEOPLE NEEDED NO SLEEP"; tasks/divergent.yaml says "people needed no sleep"."""
    out = scorer.score(frame(["people needed no sleep", "If people needed no sleep?"], ["more time to read", "night schools"],
                             task_id="consequences"))
    assert [json.loads(d)["out_of_domain"] for d in out["details"]] == [False, False]


@pytest.mark.parametrize("text", ["", "   ", None, "?!?!", "qwxz vbnmk zzxq", "用作门挡"])
def test_unscorable_text_is_nan_with_reason(scorer, text):
    out = scorer.score(frame(["brick"], [text]))
    assert math.isnan(out["value"][0])
    assert json.loads(out["details"][0])["reason"]


def test_uncovered_task_is_nan_with_reason(scorer):
    out = scorer.score(frame(["an old lighthouse"], ["The lamp went dark at dusk."], task_id="haiku"))
    assert math.isnan(out["value"][0]) and "not covered" in json.loads(out["details"][0])["reason"]


def test_ideas_get_the_mean(scorer):
    ideas = [["build a wall", "grind it into pigment for a painting", ""]]
    out = scorer.score(frame(["brick"], ["1. build a wall ..."], ideas=ideas))
    d = json.loads(out["details"][0])
    assert d["n_ideas"] == 3 and d["n_scored"] == 2
    assert out["value"][0] == pytest.approx(np.mean([x for x in d["per_idea"] if x is not None]), abs=1e-3)


def test_long_format_ratings_are_averaged_per_response(tmp_path):
    f = tmp_path / "r.csv"
    pd.DataFrame({"item": ["brick", "brick", "rope"], "text": ["doorstop", "doorstop", "swing"],
                  "rating": [2, 4, 3], "rater": ["a", "b", "a"]}).to_csv(f, index=False)
    df = read_ratings(f)
    assert len(df) == 2 and df.loc[df["text"] == "doorstop", "rating"].item() == 3.0
    assert set(df["task"]) == {"uses"}
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"item": ["brick"], "text": ["x"], "rating": ["high"]}).to_csv(bad, index=False)
    with pytest.raises(BenchError, match="not a number"):
        read_ratings(bad)


def test_train_scorer_cli_writes_params_the_scorer_loads(shared_data, tmp_path, capsys):
    src = read_ocsai_jsonl(shared_data / "ocsai-aut" / "aut_train.jsonl").sample(400, random_state=0)
    train = tmp_path / "train.csv"
    val = tmp_path / "val.jsonl"
    src.head(300).rename(columns={"task": "task_id"}).assign(task_id="aut").to_csv(train, index=False)
    src.tail(100).to_json(val, orient="records", lines=True)
    out = tmp_path / "params"
    rc = cli_main(["train-scorer", "--data", str(train), "--val", str(val), "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "val Pearson r" in printed
    model = OriginalityModel.load(out)
    assert model.provenance["fit"]["n_train"] == 300 and model.provenance["seed"] == 0
    assert math.isfinite(model.provenance["fit"]["val_r"])
    lab = LearnedOriginality(params=str(out))
    res = lab.score(frame(["brick", "rope"], ["doorstop", "tie a ship to a whale"]))
    assert np.isfinite(res["value"]).all()
    # fitted on AUT only: another task gets NaN and says why
    other = lab.score(frame(["people needed no sleep"], ["more time to read"], task_id="consequences"))
    assert math.isnan(other["value"][0]) and "no model for task" in json.loads(other["details"][0])["reason"]


def test_train_scorer_bad_input_exits_2(tmp_path, capsys):
    f = tmp_path / "r.csv"
    pd.DataFrame({"object": ["brick"], "response": ["doorstop"]}).to_csv(f, index=False)
    assert cli_main(["train-scorer", "--data", str(f), "--out", str(tmp_path / "o")]) == 2
    assert "missing column" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_params_folder_without_params_is_a_clear_error(tmp_path):
    with pytest.raises(BenchError, match="no originality parameters"):
        LearnedOriginality(params=str(tmp_path))
