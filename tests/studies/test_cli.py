"""`creativity-bench study ...` and `rate` from the command line, in-process."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.commands.rate import streamlit_command
from benchmark.records import RESPONSE_COLUMNS


def test_create_status_export_open_close(tmp_path, run_dir, capsys):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["study", "create", "--id", "cli", "--run", str(run_dir), "--k", "2", "--db", db, "--json",
                 "--dimension", "originality:How new?:1=old|5=new", "--check-rate", "0", "--min-time", "0"]) == 0
    out = capsys.readouterr()
    created = json.loads(out.out)
    assert created["items"] == 12 and created["ratings_needed"] == 24
    assert "warning: no attention checks" in out.err  # a design that gives raters no check says so
    assert main(["study", "status", "--study", "cli", "--db", db]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["ratings_done"] == 0 and status["status"] == "open"
    from benchmark.studies import open_store

    store = open_store(db)
    assert store.get_study("cli")["config"]["dimensions"] == [
        {"name": "originality", "description": "How new?", "anchors": {"1": "old", "5": "new"},
         "scale": "ordinal", "levels": 5}]
    store.enter("cli", "r")
    a = store.claim("cli", "r")
    assert store.submit("cli", "r", a["item_id"], {"originality": 5}).status == "stored"
    assert main(["study", "export", "--study", "cli", "--out", str(tmp_path / "x"), "--format", "csv", "--db", db]) == 0
    df = pd.read_csv(tmp_path / "x" / "cli_likert.csv")
    assert df[["rater_id", "dimension", "value", "rater_stage", "usable"]].values.tolist() == [
        ["r", "originality", 5, "consent", True]]
    assert main(["study", "close", "--study", "cli", "--db", db]) == 0
    assert store.get_study("cli")["status"] == "closed"
    assert main(["study", "open", "--study", "cli", "--db", db]) == 0
    assert store.get_study("cli")["status"] == "open"


def test_errors_are_one_line_with_exit_code_2(tmp_path, run_dir, capsys):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["study", "status", "--study", "nope", "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "no study 'nope'" in err and "\n" not in err
    assert main(["study", "create", "--id", "h", "--human", str(run_dir), "--db", db]) == 2
    assert "non-human source" in capsys.readouterr().err
    assert main(["rate", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"]) == 2
    assert "cannot open the ratings store" in capsys.readouterr().err


def test_import_human_responses_as_a_run_folder(shared_data, tmp_path):
    src = pd.read_csv(shared_data / "stevenson-human-vs-gpt3" / "aut_human_vs_gpt3.csv")
    people = src[src["human"] == "human"].head(5)
    pd.DataFrame({"task_id": "aut", "item_id": people["object"].str.replace(" ", "_"),
                  "text": people["response"]}).to_csv(tmp_path / "people.csv", index=False)
    assert main(["study", "import", "--responses", str(tmp_path / "people.csv"), "--pool", "stevenson2022",
                 "--out", str(tmp_path / "human-run")]) == 0
    df = pd.read_parquet(tmp_path / "human-run" / "responses.parquet")
    assert list(df.columns) == RESPONSE_COLUMNS and set(df["source"]) == {"human/stevenson2022"}
    assert df["ideas"].map(lambda x: x is not None and len(x) >= 1).all()
    manifest = json.loads((tmp_path / "human-run" / "manifest.json").read_text())
    assert manifest["kind"] == "human_import" and manifest["rows"] == 5


def test_rate_runs_streamlit_on_localhost_without_sidebar_pages_or_error_details():
    cmd = streamlit_command(8123)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("raters/app.py")
    assert "8123" in cmd and "--client.showSidebarNavigation" in cmd
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert opts["--server.address"] == "127.0.0.1"  # issue 11.15: not 0.0.0.0 unless asked
    assert opts["--client.showErrorDetails"] == "none"  # issue 14.4: no SQL or stack trace in a browser


def test_respond_study_from_the_command_line_exports_responses(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    assert main(["study", "create", "--id", "resp", "--mode", "respond", "--suite", "smoke", "--task", "aut",
                 "--pool", "lab", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["items"] == 2
    assert main(["study", "export-responses", "--study", "resp", "--out", str(tmp_path / "human-lab"), "--db", db]) == 0
    df = pd.read_parquet(tmp_path / "human-lab" / "responses.parquet")
    assert list(df.columns) == RESPONSE_COLUMNS + ["rater_id", "prolific_pid", "panel_study_id", "session_id"]
    assert df.empty
    assert main(["study", "create", "--id", "bad", "--mode", "respond", "--suite", "smoke", "--db", db]) == 2
    assert "--pool NAME" in capsys.readouterr().err


def test_create_prints_what_prolific_needs(tmp_path, run_dir, capsys):
    """11.1: neither create, status nor admin showed the completion code."""
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["study", "create", "--id", "pro", "--run", str(run_dir), "--k", "3", "--db", db,
                 "--completion-code", "C0MPLETE", "--items-per-rater", "6"]) == 0
    out = capsys.readouterr().out
    assert ("Study URL: http://127.0.0.1:8501/?study=pro&PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}"
            "&SESSION_ID={{%SESSION_ID%}}") in out
    assert "completion C0MPLETE" in out and "screened" in out and "no_work" in out and "declined" in out
    assert "Minutes per rater: about" in out and "6 items and 1 attention check(s)" in out
    assert "Raters needed: 6 who finish, for k = 3" in out  # 12 items x 3 / 6 per rater
    assert main(["study", "status", "--study", "pro", "--db", db]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["codes"]["completion"] == "C0MPLETE" and status["raters_needed"] == 6


def test_withdraw_from_the_command_line(tmp_path, run_dir, capsys):
    from benchmark.studies import open_store

    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert main(["study", "create", "--id", "w", "--run", str(run_dir), "--db", db, "--json", "--min-time", "0"]) == 0
    store = open_store(db)
    store.enter("w", "5f0c9a", prolific_pid="5f0c9a", session_id="s1")
    a = store.claim("w", "5f0c9a")
    store.submit("w", "5f0c9a", a["item_id"], dict.fromkeys(("originality", "usefulness", "surprise", "overall"), 2))
    capsys.readouterr()
    assert main(["study", "withdraw", "--study", "w", "--rater", "5f0c9a", "--note", "by email", "--db", db]) == 0
    assert "deleted 4 rating(s)" in capsys.readouterr().out
    assert main(["study", "status", "--study", "w", "--raters", "--db", db]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["withdrawn"] == 1 and status["rater_table"][0]["stage"] == "withdrawn"
    assert main(["study", "withdraw", "--study", "w", "--rater", "5f0c9a", "--db", db]) == 2
    assert "already withdrew" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["study", "create"], ["study", "export"], ["study", "withdraw"], ["rate"]])
def test_help_keeps_whole_examples_at_80_columns_and_cites_no_missing_document(argv, monkeypatch, capsys):
    """11.15: --help cut its examples at 80 columns; `study export --help` cited interfaces.md."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERMINAL_WIDTH", "80")
    assert main([*argv, "--help"]) == 0
    out = capsys.readouterr().out
    assert "\u2026" not in out and "interfaces.md" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    examples = [line.strip() for line in out.splitlines() if line.strip().startswith("creativity-bench ")]
    if argv[-1] in ("create", "rate"):
        assert examples and all(e.count(" --") >= 1 for e in examples)
        import inspect

        from benchmark.cli import app
        import typer

        cmd = typer.main.get_command(app)
        for name in argv:
            cmd = cmd.commands[name] if hasattr(cmd, "commands") else cmd
        assert all(e in inspect.cleandoc(cmd.help) for e in examples)  # printed whole, not cut
