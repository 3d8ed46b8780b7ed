"""`creativity-bench run`: the smoke suite on the embedded model, and one-line errors with exit 2."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.records import RESPONSE_COLUMNS
from tests.runner.helpers import closed_port, run_cli


@pytest.mark.slow
def test_smoke_suite_through_embedded_smollm2(tmp_path, cache_dir):
    out = tmp_path / "smoke"
    res = run_cli("run", "--model", "llamacpp/smollm2", "--suite", "smoke", "--out", str(out), "--seed", "3", "--quiet",
                  cache_dir=cache_dir)
    assert res.returncode == 0, res.stderr
    assert "6 items, 6 responses" in res.stdout and "6 ok, 0 errors" in res.stdout and "tokens/s" in res.stdout

    import datasets

    ds = datasets.Dataset.from_parquet(str(out / "responses.parquet"))
    assert ds.column_names == RESPONSE_COLUMNS and len(ds) == 6
    df = ds.to_pandas()
    assert set(df["source"]) == {"llamacpp/smollm2"} and set(df["run_id"]) == {"smoke"}
    assert df["error"].isna().all() and (df["text"].str.len() > 0).all() and (df["tokens"] > 0).all()
    aut = df[df["task_id"] == "aut"]
    assert all(x is not None and len(x) >= 1 for x in aut["ideas"])  # list answers parsed into ideas
    assert df.loc[df["task_id"] == "haiku", "ideas"].isna().all()  # free text is not split

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["model"] == "llamacpp/smollm2" and manifest["seed"] == 3
    assert set(manifest["tasks"]) == {"aut", "dat", "rat", "haiku"}
    assert all(t["version"] for t in manifest["tasks"].values())
    assert manifest["packages"]["llama-cpp-python"] and manifest["python"]
    assert manifest["counts"] == {"units": 6, "ok": 6, "errors": 0} and manifest["status"] == "finished"

    # Same command again: everything is already done, nothing regenerated.
    again = run_cli("run", "--model", "llamacpp/smollm2", "--suite", "smoke", "--out", str(out), "--seed", "3", "--quiet",
                    cache_dir=cache_dir)
    assert again.returncode == 0 and "6 already done, 0 now" in again.stdout
    assert pd.read_parquet(out / "responses.parquet")["text"].tolist() == df["text"].tolist()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--model", "llamacp/smollm2"], "did you mean 'llamacpp'?"),
        (["--model", "smollm2"], "not of the form provider/model"),
        (["--model", "llamacpp/missing/model.gguf"], "GGUF model file not found"),
        (["--model", "replay/no/such/answers.csv"], "file not found"),
        (["--model", "replay/answers.xlsx"], "unknown table format"),
        (["--model", "openai/x", "-M", "base_url"], "bad model option '-M base_url'"),
        (["--model", "openai/x", "-M", "bse_url=http://h"], "did you mean 'base_url'?"),
        (["--model", "openai/x", "-M", "base_url=localhost:8000"], "is not an http(s) URL"),
        (["--model", "openai/x", "-M", "api_key_env=CB_TEST_UNSET_VARIABLE"], "CB_TEST_UNSET_VARIABLE is not set"),
        (["--model", "openai/x", "-M", "source=human/fake"], "reserved for human answers"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, needle):
    rc = main(["run", *args, "--suite", "smoke", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert rc == 2
    assert needle in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()  # nothing half-written


def test_suite_or_task_is_required(tmp_path, capsys):
    assert main(["run", "--model", "openai/x", "--out", str(tmp_path / "r")]) == 2
    assert "exactly one of --suite NAME or --task ID" in capsys.readouterr().err


def test_unreachable_server_ends_cleanly_with_exit_1(tmp_path, capsys, cache_dir):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    rc = main(["run", "--model", "openai/x", "-M", f"base_url={url}", "--task", "rat", "--limit", "2", "--n", "1",
               "--retries", "2", "--cache", str(cache_dir), "--out", str(tmp_path / "r"), "--quiet"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "0 ok, 2 errors; re-run the same command to retry" in out and "cannot connect" in out
    assert len(pd.read_parquet(tmp_path / "r" / "responses.parquet")) == 2
