"""Broken task files fail with one line naming the file, the field and the reason (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from benchmark.cli import main
from benchmark.errors import BenchError
from benchmark.paths import REPO_ROOT
from benchmark.tasks import load_all_tasks, load_suite

AUT_GEN = "generation: {n: 5, temperature: 0.8, max_tokens: 200, top_p: 0.95}"


def cli_error(capsys, *argv: str) -> str:
    """Run the CLI in-process; return its single stderr line, checking exit code 2."""
    code = main(list(argv))
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    return err


def test_wrong_type_names_file_field_line_and_reason(tasks_copy, edit, capsys):
    edit(tasks_copy / "divergent.yaml", AUT_GEN, AUT_GEN.replace("temperature: 0.8", "temperature: hot"))
    err = cli_error(capsys, "tasks", "list")
    assert "divergent.yaml: tasks[0].generation.temperature (line " in err
    assert "Input should be a valid number" in err


def test_yaml_syntax_error_gives_the_line(tasks_copy, edit, capsys):
    edit(tasks_copy / "style.yaml", "    answer_format: text\n", "    answer_format: [text\n")
    err = cli_error(capsys, "tasks", "list")
    assert "style.yaml: YAML syntax error at line " in err


def test_missing_field(tasks_copy, edit, capsys):
    edit(tasks_copy / "convergent.yaml", "    answer_format: words\n", "")
    err = cli_error(capsys, "tasks", "show", "rat")
    assert "convergent.yaml: tasks[0].answer_format" in err and "Field required" in err


def test_unknown_key_is_an_error_not_ignored(tasks_copy, edit, capsys):
    edit(tasks_copy / "convergent.yaml", "temperature: 0.0", "temprature: 0.0")
    err = cli_error(capsys, "tasks", "list")
    assert "tasks[0].generation" in err


def test_duplicate_item_id(tasks_copy, edit, capsys):
    edit(tasks_copy / "divergent.yaml", "{id: fork, object: fork}", "{id: brick, object: fork}")
    err = cli_error(capsys, "tasks", "list")
    assert "divergent.yaml: tasks[0].items[7].id (line " in err and "duplicate item id 'brick'" in err


def test_duplicate_task_id_across_files(tasks_copy, edit, capsys):
    edit(tasks_copy / "writing.yaml", "  - id: haiku\n", "  - id: aut\n")
    err = cli_error(capsys, "tasks", "list")
    assert "writing.yaml: tasks[2].id" in err and "duplicate task id 'aut'" in err and "divergent.yaml" in err


def test_duplicate_yaml_key(tasks_copy, edit, capsys):
    edit(tasks_copy / "convergent.yaml", "    time_limit_s: 30\n", "    time_limit_s: 30\n    time_limit_s: 40\n")
    err = cli_error(capsys, "tasks", "list")
    assert "convergent.yaml" in err and "duplicate key 'time_limit_s'" in err


def test_template_field_missing_on_an_item(tasks_copy, edit, capsys):
    edit(tasks_copy / "divergent.yaml", "{id: fork, object: fork}", "{id: fork, objct: fork}")
    err = cli_error(capsys, "tasks", "list")
    assert "divergent.yaml: tasks[0].items[7]" in err and "['object']" in err and "'fork'" in err


def test_template_referencing_an_unknown_variable(tasks_copy, edit, capsys):
    edit(tasks_copy / "style.yaml", "about {{ topic }}", "about {{ subject }}")
    err = cli_error(capsys, "tasks", "list")
    assert "style.yaml: tasks[0].items[0]" in err and "['subject']" in err


def test_template_syntax_error(tasks_copy, edit, capsys):
    edit(tasks_copy / "style.yaml", "{{ author }}", "{{ author }")
    err = cli_error(capsys, "tasks", "list")
    assert "style.yaml: tasks[0].prompt (line " in err and "template error" in err


def test_unknown_scorer_suggests_the_closest(tasks_copy, edit, capsys):
    edit(tasks_copy / "convergent.yaml", "scorers: [rat]", "scorers: [ratt]")
    err = cli_error(capsys, "tasks", "list")
    assert "tasks[0].scorers[0]" in err and "did you mean 'rat'?" in err


def test_unknown_task_suite_and_suite_entries(tasks_copy, edit, capsys):
    assert "did you mean 'aut'?" in cli_error(capsys, "tasks", "show", "autt")
    assert "unknown suite 'smok'" in cli_error(capsys, "tasks", "list", "--suite", "smok")
    edit(tasks_copy / "suites.yaml", "items: [brick, fork]", "items: [brick, forks]")
    err = cli_error(capsys, "tasks", "list", "--suite", "core")
    assert "suites.yaml: suites.smoke.tasks[0]" in err and "did you mean 'fork'?" in err


def test_library_raises_bench_error_and_recovers_after_a_fix(tasks_copy, edit):
    path = tasks_copy / "convergent.yaml"
    edit(path, "max_tokens: 16", "max_tokens: -1")
    with pytest.raises(BenchError, match=r"tasks\[0\]\.generation\.max_tokens"):
        load_all_tasks()
    edit(path, "max_tokens: -1", "max_tokens: 16")
    assert "rat" in load_all_tasks()  # the cache notices the file changed
    assert load_suite("smoke")


def test_installed_command_exits_2_with_one_line(tasks_copy, edit):
    edit(tasks_copy / "divergent.yaml", AUT_GEN, AUT_GEN.replace("n: 5", "n: five"))
    env = {**os.environ, "CREATIVITY_BENCH_TASKS": str(tasks_copy)}
    proc = subprocess.run([sys.executable, "-m", "benchmark.cli", "tasks", "list"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    (line,) = proc.stderr.strip().splitlines()
    assert "divergent.yaml: tasks[0].generation.n (line " in line and "valid integer" in line


def test_missing_tasks_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CREATIVITY_BENCH_TASKS", str(tmp_path / "nowhere"))
    assert "tasks folder not found" in cli_error(capsys, "tasks", "list")


def test_reserved_field_name(tasks_copy, edit, capsys):
    edit(tasks_copy / "divergent.yaml", "{id: fork, object: fork}", "{id: fork, object: fork, item_id: x}")
    err = cli_error(capsys, "tasks", "list")
    assert "tasks[0].items[7].item_id" in err and "reserved" in err


def test_templates_are_sandboxed(tasks_copy, edit, capsys):
    edit(tasks_copy / "style.yaml", "about {{ topic }}", "about {{ topic.__class__.__mro__ }}")
    err = cli_error(capsys, "tasks", "show", "style_imitation")
    assert "style_imitation" in err and "cannot render" in err


def test_unquoted_float_version_is_refused(tasks_copy, edit, capsys):
    edit(tasks_copy / "convergent.yaml", 'version: "1.0"', "version: 1.10")
    err = cli_error(capsys, "tasks", "list")
    assert "tasks[0].version" in err and "in quotes" in err
