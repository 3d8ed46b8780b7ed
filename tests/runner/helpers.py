"""Helpers shared by the model and runner tests: task items, a closed port, the CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from benchmark.paths import REPO_ROOT
from benchmark.tasks import TaskItem


def make_item(item_id: str = "brick", *, task_id: str = "aut", n: int = 1, temperature: float = 0.8,
              max_tokens: int = 16, answer_format: str = "ideas", prompt: str | None = None,
              system: str | None = None) -> TaskItem:
    """A real TaskItem built in the test, independent of the YAML suite's contents."""
    return TaskItem(
        task_id=task_id, task_version="1", item_id=item_id, family="divergent",
        prompt=prompt or f"List creative uses for a {item_id}.", system=system, item=item_id, fields={},
        answer_format=answer_format,
        generation={"n": n, "temperature": temperature, "max_tokens": max_tokens, "top_p": 0.95},
        scorers=[], dimensions=[], time_limit_s=None,
    )


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CREATIVITY_BENCH_CACHE"] = str(cache_dir)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# The CLI keeps the SIGINT disposition it inherits (as Python does: a background job or
# nohup that ignores Ctrl-C stays unaffected by it). A test that sends SIGINT must therefore
# not depend on how pytest itself was started: the child sets Python's own handler first.
_WITH_SIGINT = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                "runpy.run_module('benchmark.cli', run_name='__main__', alter_sys=True)")


def cli_cmd(*args: str, sigint: bool = False) -> list[str]:
    """The CLI as a process; ``sigint=True``: with SIGINT raising KeyboardInterrupt even when
    this process was started with SIGINT ignored (``nohup``, ``cmd &`` in a script, some CI)."""
    if sigint:
        return [sys.executable, "-c", _WITH_SIGINT, *args]
    return [sys.executable, "-m", "benchmark.cli", *args]


def run_cli(*args: str, cache_dir: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cli_cmd(*args), capture_output=True, text=True, env=cli_env(cache_dir), timeout=timeout, cwd=REPO_ROOT)
