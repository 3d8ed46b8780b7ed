"""Shared, expensive set-up for the scoring tests: one MiniLM encoder per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def encoder():
    """The real cached MiniLM encoder (loaded once; torch limited to one thread)."""
    import torch

    torch.set_num_threads(1)
    from benchmark.scoring.embeddings import sentence_encoder

    return sentence_encoder()
