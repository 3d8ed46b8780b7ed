"""Every sub-command answers a usage error with one line on stderr and exit code 2.

The command tree is walked from the real typer app, so a command added later is covered
without editing this file. typer raises its own bundled click exceptions; these tests are
what keeps ``benchmark.cli.main`` catching them (issue 14, item 3).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main

from benchmark.cli import app, main
from benchmark.paths import REPO_ROOT


def leaf_commands() -> list[tuple[list[str], object]]:
    out = []

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in sorted(subs.items()):
                walk(sub, path + [name])
        else:
            out.append((path, cmd))

    walk(typer.main.get_command(app), [])
    return out


def bad_argument_cases() -> list[tuple[str, list[str]]]:
    """(id, argv): an unknown option for every command; a non-number for its first numeric
    option; nothing at all where the command has a required parameter."""
    cases = []
    for path, cmd in leaf_commands():
        name = " ".join(path)
        cases.append((f"{name}: unknown option", path + ["--no-such-option-zz"]))
        numeric = [p for p in cmd.params if p.param_type_name == "option" and not p.is_flag
                   and p.type_descriptor.annotation in (int, float)]
        if numeric:
            cases.append((f"{name}: {numeric[0].opts[0]} abc", path + [numeric[0].opts[0], "abc"]))
        if any(p.required for p in cmd.params):
            cases.append((f"{name}: nothing given", path))
    return cases


CASES = bad_argument_cases()


def test_the_walk_finds_every_command():
    names = {" ".join(p) for p, _ in leaf_commands()}
    assert {"run", "score", "analyze", "leaderboard", "tasks show", "study create", "study import", "rate"} <= names
    assert len(CASES) > 2 * len(names)


@pytest.mark.parametrize("argv", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_arguments_are_one_line_and_exit_2(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, out.err
    assert lines[0].startswith("error: creativity-bench ") and "Traceback" not in out.err
    assert "--help" in lines[0]  # where to look next
    assert out.out == ""
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("argv", [["run", "--suite", "smoke"], ["nosuchcmd"], ["tasks", "show", "aut", "--items", "-1"]],
                         ids=["run without --model", "unknown command", "negative --items"])
def test_the_installed_entry_point_exits_2_without_a_traceback(argv, tmp_path):
    """The issue's three examples, through a real process as a user starts it."""
    proc = subprocess.run([sys.executable, "-m", "benchmark.cli", *argv], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={**__import__("os").environ, "PYTHONPATH": str(REPO_ROOT)})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_group_without_its_command_shows_its_help(capsys):
    assert main(["study"]) == 2
    out = capsys.readouterr()
    assert "create" in out.out + out.err and "Traceback" not in out.out + out.err
