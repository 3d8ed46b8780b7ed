"""Shared fixtures: the published human data (skip cleanly when absent) and offline settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from benchmark.paths import REPO_ROOT, shared_data_dir  # noqa: E402


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (published human data); tests that need it skip without it."""
    d = shared_data_dir()
    if d is None:
        pytest.skip("../shared/data (published human data) is not present on this machine")
    return d


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests leave artefacts (screenshots, reports) for people to look at."""
    d = REPO_ROOT / "test-artifacts"
    d.mkdir(exist_ok=True)
    return d
