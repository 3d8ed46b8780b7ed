"""`norms build` takes a respond-study export: a researcher's own people become a norm that says so.

The answers are real human texts (film synopses from shared/data), entered into a real
SQLite study store as a respond study's participants under a test pool; the norm is
written only to a temporary copy of the task folder.
"""

from __future__ import annotations

import json
import shutil
import time

import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.paths import REPO_ROOT, shared_data_dir


@pytest.fixture()
def human_texts():
    root = shared_data_dir()
    f = None if root is None else root / "writing-dat-gpt" / "concatenated_results_stories.csv"
    if f is None or not f.is_file():
        pytest.skip("shared/data/writing-dat-gpt is absent: no real human texts to answer with")
    df = pd.read_csv(f)
    return df[df["model"] == "IMDB (human)"]["story"].astype(str).head(6).tolist()


def test_norms_from_a_respond_study_export(tmp_path, monkeypatch, human_texts, capsys):
    import torch

    torch.set_num_threads(1)
    from benchmark.leaderboard.stats import norm_reference
    from benchmark.studies import StudySpec, create_study, open_store

    tasks = tmp_path / "tasks"
    shutil.copytree(REPO_ROOT / "tasks", tasks)
    monkeypatch.setenv("CREATIVITY_BENCH_TASKS", str(tasks))
    db = f"sqlite:///{tmp_path / 'r.db'}"
    store = open_store(db)
    create_study(store, StudySpec("mine", mode="respond", suite="core", tasks=["recipe"], pool="test-typed"))
    spec = store.get_study("mine")["config"]["respond_items"][0]
    for i, text in enumerate(human_texts):
        store.enter("mine", f"p{i}", prolific_pid=f"p{i}", session_id=f"s{i}")
        late = i == 5  # the last one answers long after the time limit: left out of the norm
        started = time.time() - (10_000 if late else 30)
        store.respond_start("mine", f"p{i}", spec["task_id"], spec["item_id"], now=started)
        assert store.respond_save("mine", f"p{i}", spec, text) == "stored"
    export = tmp_path / "exp"
    assert main(["study", "export-responses", "--study", "mine", "--out", str(export), "--db", db]) == 0
    out = tasks / "norms" / "my_study.json"
    assert main(["norms", "build", "--data", str(export / "responses.parquet"), "--scorer", "dsi",
                 "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    study = doc["provenance"]["study"]
    assert study["ids"] == ["mine"] and study["pools"] == ["human/test-typed"]
    assert study["answers"] == 5 and study["left_out_over_time"] == 1
    (entry,) = doc["entries"]
    assert entry["task_id"] == "recipe" and entry["scorer"] == "dsi" and entry["task"]["n"] == 5
    assert "norm from your study" in doc["description"]
    ref = norm_reference("recipe", "dsi", entry["scorer_version"])
    assert ref is not None and ref.label.startswith("norm from your study") and ref.n == 5


def test_a_model_run_is_refused_as_a_study_norm(tmp_path):
    from benchmark.errors import BenchError
    from benchmark.scoring.norms_writing import build_from_study

    f = tmp_path / "x.csv"
    pd.DataFrame({"run_id": ["r"], "task_id": ["recipe"], "item_id": ["miso_dessert"], "source": ["llamacpp/smollm2"],
                  "text": ["a cake"], "prolific_pid": ["p"]}).to_csv(f, index=False)
    with pytest.raises(BenchError, match="not a human pool"):
        build_from_study(str(f), ["dsi"], "", "")
