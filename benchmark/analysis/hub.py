"""Publish a leaderboard as a Hugging Face ``datasets`` dataset.

Why a dataset: anyone can ``load_dataset(repo, split="matrix")`` the sources x tasks
matrix (or ``split="detail"``, one row per task x scorer x source with CIs and ranks)
and build on it. ``local_dir`` writes the same dataset with ``save_to_disk`` instead of
pushing (offline use and tests); pushing needs network access and a token.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from benchmark.errors import BenchError


def _dataset(df: pd.DataFrame):
    from datasets import Dataset

    clean = df.reset_index(drop=True).astype({c: "float64" for c in df.columns if str(df[c].dtype) == "Int64"})
    return Dataset.from_pandas(clean, preserve_index=False)


def leaderboard_dataset(board):
    """The leaderboard as a ``datasets.DatasetDict`` with splits ``matrix`` and ``detail``."""
    from datasets import DatasetDict

    return DatasetDict({"matrix": _dataset(board.matrix), "detail": _dataset(board.detail)})


def push_leaderboard(board, repo_id: str, *, local_dir: str | os.PathLike | None = None, private: bool = False) -> str:
    """Push to ``repo_id`` on the Hub, or save to ``local_dir``; returns where it went."""
    if not repo_id or repo_id.count("/") != 1:
        raise BenchError(f"bad Hub repository '{repo_id}'", fix="use OWNER/NAME")
    ds = leaderboard_dataset(board)
    if local_dir is not None:
        target = Path(local_dir)
        ds.save_to_disk(str(target))
        (target / "HUB_REPO").write_text(repo_id + "\n")
        return str(target)
    try:
        ds.push_to_hub(repo_id, private=private)
    except Exception as exc:  # network, auth, offline mode: one line for the user
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BenchError(f"push to the Hub failed: {first}", where=repo_id,
                         fix="check network and HF token (huggingface-cli login), or use --hub-local-dir") from exc
    return f"https://huggingface.co/datasets/{repo_id}"
