"""The study config file: everything a panel study needs, validated; flags on top; bad input
(issue 14 items 9 and 10) refused in one line with exit code 2 and no store left behind."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.errors import BenchError
from benchmark.studies import load_config, open_store

FULL = """\
id: full
mode: likert
title: Judging uses of objects
runs: [run-a]
tasks: [aut]
k: 2
seed: 3
items_per_rater: 5
min_time_s: 2
dimensions:
  divergent:
    - {name: originality, description: "How new?", anchors: {1: old, 7: new}, levels: 7}
    - {name: works, description: "Would it work?", scale: binary}
    - {name: quality, description: 0 to 100, scale: interval, min: 0, max: 100}
checks: {rate: 0.2, max_failed: 1}
consent:
  text: You are invited (study 42).
  irb: Approved by the Board, protocol 42.
  contact: lab@example.org
instructions: Read each answer, then rate it.
practice:
  - {prompt: "Uses for a cup?", text: "1. a hat", feedback: Most people rate this low.}
panel:
  url: https://rate.example.org
  return_url: https://app.prolific.com/submissions/complete?cc={code}
  codes: {completion: DONE42, screened: SCR42}
payment: "£2.00"
estimated_minutes: 9
"""


@pytest.fixture
def study_dir(tmp_path, run_dir):
    d = tmp_path / "study"
    d.mkdir()
    (d / "run-a").symlink_to(run_dir)
    return d


def test_a_full_config_file_becomes_a_study_with_every_setting(study_dir, tmp_path, capsys, monkeypatch):
    (study_dir / "study.yaml").write_text(FULL)
    monkeypatch.chdir(tmp_path)  # relative paths in the file are read from the file's folder
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["study", "create", "--config", str(study_dir / "study.yaml"), "--db", db, "--k", "3", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["k"] == 3  # the flag beats the file
    assert summary["items_per_rater"] == 5 and summary["checks_per_rater"] == 1
    assert summary["study_url"].startswith("https://rate.example.org/?study=full&PROLIFIC_PID={{%PROLIFIC_PID%}}")
    cfg = open_store(db).get_study("full")["config"]
    assert (cfg["title"], cfg["payment"], cfg["estimated_minutes"]) == ("Judging uses of objects", "£2.00", 9)
    assert cfg["consent"] == {"text": "You are invited (study 42).", "irb": "Approved by the Board, protocol 42.",
                              "contact": "lab@example.org"}
    assert cfg["instructions_text"] == "Read each answer, then rate it."
    assert [(d["name"], d["scale"]) for d in cfg["dimensions"]] == [
        ("originality", "ordinal"), ("works", "binary"), ("quality", "interval")]
    assert cfg["dimensions"][0]["levels"] == 7
    assert cfg["ends"]["completion"] == {"code": "DONE42",
                                         "url": "https://app.prolific.com/submissions/complete?cc=DONE42"}
    assert cfg["ends"]["screened"]["code"] == "SCR42"
    codes = [e["code"] for e in cfg["ends"].values()]
    assert len(set(codes)) == 4 and cfg["ends"]["closed"]["code"] == cfg["ends"]["no_work"]["code"]
    practice = [i for i in open_store(db).items("full", kind="practice")]
    assert len(practice) == 1 and practice[0]["expected"] == {"feedback": "Most people rate this low."}


def _fails(argv, capsys, *words):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in err, err
    for w in words:
        assert w in err, err
    return err


@pytest.mark.parametrize("yaml_text,words", [
    ("id: x\nruns: [r]\nchekcs: {rate: 0.1}\n", ["unknown key 'chekcs'", "(line 3)", "did you mean 'checks'"]),
    ("id: x\nruns: [r]\nchecks: {rtae: 0.1}\n", ["checks.rtae", "did you mean 'rate'"]),
    ("id: x\nruns: [r]\nchecks: {rate: 2}\n", ["checks.rate (line 3)", "less than or equal to 1"]),
    ("id: x\nruns: [r]\nchecklist: [{name: a, question: b}]\n", ["checklist: is for checklist studies"]),
    ("id: x\nruns: [r]\nchecks: {rate: 0, gold: g.csv}\n", ["gold items are shown at check positions"]),
    ("id: x\nmode: turing\nruns: [r]\ndimensions: [{name: a}]\n", ["a turing study takes no dimensions"]),
    ("id: x\nmode: respond\npool: p\nsuite: smoke\nruns: [r]\n", ["takes no runs or humans"]),
    ("id: x\nruns: [r]\npanel: {return_url: 'javascript:alert(1)'}\n", ["panel.return_url", "http(s)://"]),
    ("id: x\nruns: [r]\ndimensions: [{name: a, anchors: {9: high}}]\n", ["anchors ['9'] are outside the scale 1..5"]),
    ("runs: [r]\n", ["id: missing", "--id"]),
    ("- just\n- a list\n", ["expected a mapping"]),
])
def test_bad_config_files_are_one_line_with_the_key_and_line(tmp_path, capsys, yaml_text, words):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml_text)
    _fails(["study", "create", "--config", str(cfg), "--db", f"sqlite:///{tmp_path / 'n.db'}"], capsys, *words)
    assert not (tmp_path / "n.db").exists()


@pytest.mark.parametrize("flags,words", [
    (["--min-time", "-5"], ["min_time_s (from --min-time)"]),
    (["--lease", "-1"], ["lease_s (from --lease)"]),
    (["--dimension", ":::"], ["dimensions[0].name (from --dimension)"]),
    (["--pool", "../../x y"], ["pool (from --pool)", "letters, digits"]),
    (["--check-rate", "nan"], ["checks.rate (from --check-rate)"]),
    (["--id", "a b/c"], ["id (from --id)"]),
])
def test_bad_flags_are_refused_in_one_line_and_leave_no_store(tmp_path, run_dir, capsys, flags, words):
    """Issue 14.9: these were accepted and went on into the store, the source or the run id."""
    argv = ["study", "create", "--id", "x", "--run", str(run_dir), "--db", f"sqlite:///{tmp_path / 'n.db'}", *flags]
    _fails(argv, capsys, *words)
    assert not (tmp_path / "n.db").exists()


def test_a_missing_run_says_so_and_a_failed_create_leaves_no_store(tmp_path, capsys, shared_data, run_dir):
    """Issue 14.10: '--run NONEXISTENT' said 'unknown table format'; a failed create left an empty store."""
    db = tmp_path / "n.db"
    _fails(["study", "create", "--id", "x", "--run", "NONEXISTENT", "--db", f"sqlite:///{db}"], capsys,
           "NONEXISTENT: no such file or folder")
    assert not db.exists()
    # a failure found only when the study is written (the id is taken) keeps the existing store
    assert main(["study", "create", "--id", "x", "--run", str(run_dir), "--db", f"sqlite:///{db}", "--json"]) == 0
    capsys.readouterr()
    _fails(["study", "create", "--id", "x", "--run", str(run_dir), "--db", f"sqlite:///{db}"], capsys,
           "study 'x' already exists")
    assert db.exists() and open_store(f"sqlite:///{db}").get_study("x")


def test_study_import_takes_item_as_well_as_item_id(tmp_path, shared_data):
    src = pd.read_csv(shared_data / "stevenson-human-vs-gpt3" / "aut_human_vs_gpt3.csv")
    people = src[src["human"] == "human"].head(3)
    pd.DataFrame({"task_id": "aut", "item": people["object"].str.replace(" ", "_"),
                  "text": people["response"]}).to_csv(tmp_path / "people.csv", index=False)
    assert main(["study", "import", "--responses", str(tmp_path / "people.csv"), "--pool", "stevenson2022",
                 "--out", str(tmp_path / "run")]) == 0
    df = pd.read_parquet(tmp_path / "run" / "responses.parquet")
    assert list(df["item_id"]) == list(people["object"].str.replace(" ", "_"))


def test_load_config_without_a_file_takes_flags_only(run_dir):
    spec, inputs = load_config(None, {"--id": "f", "--run": [run_dir], "--k": 4, "--check-rate": 0.5})
    assert (spec.study_id, spec.k, spec.check_rate) == ("f", 4, 0.5)
    assert inputs["runs"] == [str(run_dir)]
    with pytest.raises(BenchError, match="id: missing"):
        load_config(None, {"--run": [Path(run_dir)]})
