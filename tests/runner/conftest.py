"""Fixtures for runner tests: a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.runner.fake_openai_server import FakeState, fake_server


@pytest.fixture
def fake_openai() -> Iterator[tuple[str, FakeState]]:
    with fake_server() as served:
        yield served


@pytest.fixture
def cache_dir(tmp_path):
    return tmp_path / "cache"
