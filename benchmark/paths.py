"""Where things live: the task suite, the human norms, the shared human data.

The task suite is data at the repository root (``tasks/``); ``CREATIVITY_BENCH_TASKS``
points elsewhere. The shared human data sets (never copied into the repo) are found
through ``CREATIVITY_BENCH_DATA`` or ``../shared/data`` beside the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def tasks_dir() -> Path:
    return Path(os.environ.get("CREATIVITY_BENCH_TASKS", REPO_ROOT / "tasks"))


def norms_dir() -> Path:
    return tasks_dir() / "norms"


def shared_data_dir() -> Path | None:
    """The folder of published human data, or None when this machine has none."""
    env = os.environ.get("CREATIVITY_BENCH_DATA")
    candidates = [Path(env)] if env else []
    candidates += [REPO_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for c in candidates:
        if c.is_dir():
            return c
    return None
