"""Human norms: percentile arithmetic, the committed figures, building from a human table."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from benchmark.errors import BenchError
from benchmark.paths import norms_dir
from benchmark.scoring.norms import Distribution, NormIndex, attach_percentiles, human_percentile, source_summary
from benchmark.scoring.norms_build import build


def test_percentile_matches_the_empirical_rank():
    rng = np.random.default_rng(0)
    values = rng.normal(70, 10, 5000)
    d = Distribution.from_values(values)
    for v in (50, 65, 70, 88):
        assert abs(d.percentile(v) - 100 * (values < v).mean()) < 1.0
    assert d.percentile(-1e9) == 0.0 and d.percentile(1e9) == 100.0
    assert math.isnan(d.percentile(float("nan")))


def test_ties_use_the_mid_rank():
    d = Distribution.from_values([1, 2, 2, 2, 3] * 20)
    assert d.percentile(2) == pytest.approx(50, abs=1.5)
    b = Distribution.bernoulli(0.8, 100)
    assert b.percentile(1.0) == pytest.approx(60, abs=1)  # P(X<1) + P(X=1)/2 = .2 + .4
    assert b.percentile(0.0) == pytest.approx(10, abs=1)


def test_committed_norm_files_load_with_provenance():
    index = NormIndex(norms_dir())
    assert ("dat", "dat") in index.entries and ("rat", "rat") in index.entries
    for name, doc in index.files.items():
        prov = doc["provenance"]
        assert doc["label"] == "human"
        for key in ("source_data", "citation", "scorers", "n", "date", "command"):
            assert prov[key], (name, key)
        assert prov["command"].startswith("creativity-bench norms build")


def test_dat_percentiles_use_our_vectors_not_the_published_840b():
    ours = human_percentile("dat", "dat", "dat", 72.3, "1.0+glove-6b-50d")
    assert 40 < ours < 60  # the 6B mean is ~72
    assert math.isnan(human_percentile("dat", "dat", "dat", 72.3, "1.0+glove.840B.300d.txt"))
    published = NormIndex(norms_dir()).entries[("dat", "dat")]
    ref = [e for e in published if e.scorer_version.startswith("published")]
    assert ref and not ref[0].use_for_percentiles and ref[0].task.mean == pytest.approx(81.04, abs=0.01)


def test_rat_item_level_norm_from_bowden():
    easy = human_percentile("rat", "cottage_swiss_cake", "rat", 1.0)  # 96% of people solve it
    assert easy == pytest.approx(52, abs=1)
    fallback = human_percentile("rat", "moon_house_flash", "rat", 1.0)  # not a Bowden item: task level
    assert 80 < fallback < 90


def test_attach_and_summarise():
    scores = pd.DataFrame({"task_id": "dat", "task_version": "1", "item_id": "dat", "source": ["a", "a", "b"],
                           "sample_idx": [0, 1, 0], "scorer": "dat", "scorer_version": "1.0+glove-6b-50d",
                           "value": [80.0, 85.0, float("nan")], "details": "{}"})
    out = attach_percentiles(scores)
    assert out["human_percentile"][1] > out["human_percentile"][0] > 50
    assert out["norm_id"][0].startswith("olson2021-dat") and out["norm_id"][2] is None
    summary = source_summary(out).set_index("source")
    assert summary.loc["a", "human_percentile"] > 70 and summary.loc["b", "n_nan"] == 1


def test_build_from_a_human_table(tmp_path):
    words = ["cat dog table volcano justice spoon galaxy", "cat kitten dog puppy pet horse cow",
             "ocean piano tax glacier fork poem engine"]
    df = pd.DataFrame({"task_id": "dat", "item": "dat", "text": words * 10, "source": "human/test-pool"})
    df.to_csv(tmp_path / "h.csv", index=False)
    out = build(None, str(tmp_path / "h.csv"), str(tmp_path / "n.json"), scorers=["dat"], citation="a test pool",
                command="creativity-bench norms build --data h.csv --out n.json")
    doc = json.loads(out.read_text())
    entry = doc["entries"][0]
    assert entry["task"]["n"] == 30 and doc["provenance"]["citation"] == "a test pool"
    assert len(entry["task"]["quantiles"]) == 101
    idx = NormIndex(tmp_path)
    assert idx.lookup("dat", "dat", "dat", 200.0, entry["scorer_version"])[0] == 100.0


def test_build_refuses_non_human_sources(tmp_path):
    pd.DataFrame({"task_id": ["dat"], "item": ["dat"], "text": ["cat"], "source": ["openai/gpt-4o"]}).to_csv(
        tmp_path / "m.csv", index=False)
    with pytest.raises(BenchError, match="not a human pool"):
        build(None, str(tmp_path / "m.csv"), str(tmp_path / "n.json"), scorers=["dat"])
    assert not (tmp_path / "n.json").exists()


def test_aut_item_norms_from_ocsai_people():
    index = NormIndex(norms_dir())
    ocsai = [e for e in index.candidates("aut", "semdis_minilm", "1") if e.unit == "idea"][0]
    assert "brick" in ocsai.items and ocsai.items["brick"].n >= 100
    median = ocsai.items["brick"].quantiles[50]
    assert human_percentile("aut", "brick", "semdis_minilm", median, "1") == pytest.approx(50, abs=1)
    assert index.lookup("aut", "brick", "semdis_minilm", median, "1")[1] == f"{ocsai.norm_id}#brick"
    # an object without its own norm falls back to the task level, whole answers first
    fallback = index.find("aut", "semdis_minilm", "1")
    assert fallback.unit == "response"
    assert index.lookup("aut", "anvil", "semdis_minilm", median, "1")[1] == fallback.norm_id


def test_list_level_aut_norms_from_whole_human_answers():
    index = NormIndex(norms_dir())
    fluency = index.find("aut", "fluency", "1.0")
    assert fluency is not None and set(fluency.items) == {"book", "fork", "tin_can"}
    assert 4 < fluency.task.mean < 9  # people listed ~6.6 uses each in Stevenson et al. 2022
    low = human_percentile("aut", "book", "fluency", 2, "1.0")
    high = human_percentile("aut", "book", "fluency", 15, "1.0")
    assert low < 25 and high > 90
    pct, norm_id = index.lookup("aut", "fork", "semdis_minilm", 0.8, "1")
    assert norm_id.startswith("stevenson-aut") and norm_id.endswith("#fork") and 0 <= pct <= 100


def test_originality_norms_follow_the_shipped_params(tmp_path):
    import hashlib

    from benchmark.scoring.originality.model import DEFAULT_PARAMS_DIR, PARAMS_FILE

    src = json.loads((norms_dir() / "aut_ocsai.json").read_text())
    assert src["provenance"]["originality_params"]["sha256_16"]
    current = hashlib.sha256((DEFAULT_PARAMS_DIR / PARAMS_FILE).read_bytes()).hexdigest()[:16]
    for digest, usable in ((current, True), ("0" * 16, False)):  # "0...": as if refitted since
        src["provenance"]["originality_params"]["sha256_16"] = digest
        (tmp_path / "aut.json").write_text(json.dumps(src))
        idx = NormIndex(tmp_path)
        assert (idx.find("aut", "originality", "1") is not None) is usable
        assert idx.find("aut", "semdis_minilm", "1") is not None


def test_norms_build_command(tmp_path, capsys, shared_data):
    from benchmark.cli import main

    out = tmp_path / "rat.json"
    assert main(["norms", "build", "--dataset", "bowden-rat", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["provenance"]["command"].startswith("creativity-bench norms build")
    assert len(doc["entries"][0]["items"]) == 144
    assert main(["norms", "build", "--dataset", "bowden-ratt", "--out", str(tmp_path / "x.json")]) == 2
    assert "did you mean 'bowden-rat'" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def test_norms_rebuild_reruns_the_recorded_commands(tmp_path, shared_data):
    import shutil

    from benchmark.cli import main

    for name in ("rat_bowden2003.json", "dat_published_840b_reference.json"):
        shutil.copy(norms_dir() / name, tmp_path / name)
    before = json.loads((tmp_path / "rat_bowden2003.json").read_text())["entries"]
    assert main(["norms", "rebuild", "--folder", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "rat_bowden2003.json").read_text())["entries"] == before
