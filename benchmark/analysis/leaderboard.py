"""The leaderboard entry points of the analysis stage (kept stable for callers).

The work lives in ``benchmark.leaderboard``: ``build_leaderboard`` returns a
``Leaderboard`` (``.detail``: one row per task x scorer x source with mean and typical
answer, bootstrap CIs over items or, for one-prompt tasks, over responses, ranks from
the CIs with ties, the human percentile of the typical answer; ``.matrix``: sources x
tasks on that one scale, every cell a figure or a reason).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from benchmark.leaderboard import Leaderboard, build, load_results
from benchmark.leaderboard import write_leaderboard as _write


def build_leaderboard(scores: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0, **options) -> Leaderboard:
    """See ``benchmark.leaderboard.build``."""
    return build(scores, n_boot=n_boot, seed=seed, **options)


def write_leaderboard(board: Leaderboard, out_dir: str | os.PathLike) -> dict[str, Path]:
    """See ``benchmark.leaderboard.write_leaderboard``."""
    return _write(board, out_dir)


__all__ = ["build_leaderboard", "load_results", "write_leaderboard"]
