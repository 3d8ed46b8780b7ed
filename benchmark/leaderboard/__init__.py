"""The leaderboard: people and models side by side, task by task.

    from benchmark.leaderboard import build, write_leaderboard
    board = build(scores)                 # .detail (task x scorer x source), .matrix (source x task)
    write_leaderboard(board, "results/leaderboard")

``rebuild`` regenerates the published leaderboard from the shared human data and the
published runs (``creativity-bench rebuild-leaderboard``).
"""

from benchmark.leaderboard.build import DETAIL_COLUMNS, MATRIX_COLUMNS, PERCENTILE_DEFINITION, Leaderboard, build
from benchmark.leaderboard.catalog import TASK_SCORERS, primary_scorer, scorer_info, source_label, task_label
from benchmark.leaderboard.load import find_leaderboard, load_results, locate_leaderboard, read_leaderboard
from benchmark.leaderboard.write import write_leaderboard

__all__ = [
    "DETAIL_COLUMNS", "Leaderboard", "MATRIX_COLUMNS", "PERCENTILE_DEFINITION", "TASK_SCORERS", "build",
    "find_leaderboard", "load_results", "locate_leaderboard", "primary_scorer", "read_leaderboard", "scorer_info", "source_label",
    "task_label", "write_leaderboard",
]
