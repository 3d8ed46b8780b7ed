"""Fixtures for the task-suite tests: a writable copy of tasks/ to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmark.paths import REPO_ROOT


@pytest.fixture
def tasks_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real task files, selected through CREATIVITY_BENCH_TASKS."""
    dest = tmp_path / "tasks"
    dest.mkdir()
    for f in (REPO_ROOT / "tasks").glob("*.yaml"):
        shutil.copy(f, dest / f.name)
    monkeypatch.setenv("CREATIVITY_BENCH_TASKS", str(dest))
    return dest


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not found {count} time(s) in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def edit():
    """``edit(path, old, new)``: replace text, failing loudly if it is not there."""
    return _edit
