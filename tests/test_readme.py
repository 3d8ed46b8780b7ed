"""Every command in the README exists and parses, so the front page cannot rot.

Commands are taken from the fenced ``bash`` blocks of README.md (and results/README.md):
``creativity-bench ...`` lines are parsed by the real CLI (click builds the full
context, so an unknown command or option or a missing required value fails here),
``make X`` lines must name a Makefile target. The quickstart and the smoke-suite
evaluation are run for real by tests/test_evaluate_e2e.py.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from benchmark.cli import app
from benchmark.paths import REPO_ROOT

DOCS = [REPO_ROOT / "README.md", REPO_ROOT / "results" / "README.md"]


def bash_commands(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    cmds: list[str] = []
    for block in re.findall(r"```(?:bash|sh|console)\n(.*?)```", text, flags=re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                cmds.append(line)
    return cmds


def all_commands() -> list[tuple[str, str]]:
    return [(p.name, c) for p in DOCS if p.exists() for c in bash_commands(p)]


def parse_cli(argv: list[str]) -> None:
    """Build the click context for argv the way a real invocation would, without running it."""
    cmd = typer.main.get_command(app)  # typer ships its own click: duck-type groups
    ctx = None
    name = "creativity-bench"
    args = list(argv)
    while hasattr(cmd, "list_commands"):
        assert args, f"missing sub-command after {name!r}"
        ctx = cmd.context_class(cmd, info_name=name, parent=ctx)
        sub = cmd.get_command(ctx, args[0])
        assert sub is not None, f"unknown command {args[0]!r} under {name!r}"
        name, cmd, args = args[0], sub, args[1:]
    cmd.make_context(name, args, parent=ctx)  # raises on unknown options or missing values


def test_readme_has_commands():
    cmds = [c for _, c in all_commands()]
    assert "make run" in cmds and "make test" in cmds
    assert any(c.startswith("creativity-bench evaluate") for c in cmds)


@pytest.mark.parametrize("doc,command", all_commands())
def test_command_exists_and_parses(doc: str, command: str):
    argv = shlex.split(command)
    if argv[0] == "make":
        targets = re.findall(r"^([a-zA-Z_-]+):", (REPO_ROOT / "Makefile").read_text(), flags=re.M)
        assert all(t in targets for t in argv[1:] if "=" not in t), f"{doc}: unknown make target in {command!r}"
        return
    if argv[0] in {"cd", "git", "export", "python", "ollama", "vllm", "pip", ".venv/bin/pip"}:
        return  # not ours to check; documented context only
    assert argv[0] == "creativity-bench", f"{doc}: unexpected command {command!r}"
    parse_cli(argv[1:])


@pytest.mark.parametrize("argv", [["evaluate", "--bogus"], ["nosuch"], ["study", "nosuch"], ["evaluate", "--model"]])
def test_parser_rejects_what_the_cli_rejects(argv: list[str]):
    with pytest.raises(BaseException):
        parse_cli(argv)
