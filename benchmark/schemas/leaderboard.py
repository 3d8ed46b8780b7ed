"""Schemas of the leaderboard's tables: the scores it ranks and the tables it writes.

Why: the leaderboard reads score tables from any run folder and its own written tables
back (the app shows ``leaderboard.json`` without recomputing); a wrong type or an empty
key is one line naming the file, row and column, not a traceback in the middle of a plot.
"""

from __future__ import annotations

import pandera.pandas as pa

_key = {"nullable": False, "coerce": True}

SCORES = pa.DataFrameSchema(
    {
        "task_id": pa.Column(str, **_key),
        "item_id": pa.Column(str, **_key),
        "source": pa.Column(str, **_key),
        "scorer": pa.Column(str, **_key),
        "value": pa.Column(float, nullable=True, coerce=True),
    },
    strict=False,
)

DETAIL = pa.DataFrameSchema(
    {
        "task_id": pa.Column(str, **_key),
        "scorer": pa.Column(str, **_key),
        "source": pa.Column(str, **_key),
        "better": pa.Column(str, pa.Check.isin(["higher", "lower"]), **_key),
        "mean": pa.Column(float, nullable=True, coerce=True),
        "human_pct": pa.Column(float, pa.Check.in_range(0, 100), nullable=True, coerce=True),
        "ci_over": pa.Column(str, pa.Check.isin(["items", "responses", "none"]), **_key),
        "n": pa.Column(int, pa.Check.ge(0), **_key),
    },
    strict=False,
)

MATRIX = pa.DataFrameSchema(
    {
        "source": pa.Column(str, **_key),
        "task_id": pa.Column(str, **_key),
        "kind": pa.Column(str, pa.Check.isin(["percentile", "solved", "score", "none"]), **_key),
        "human_pct": pa.Column(float, pa.Check.in_range(0, 100), nullable=True, coerce=True),
        "cell": pa.Column(str, pa.Check.str_length(min_value=1), **_key),
    },
    strict=False,
)

__all__ = ["DETAIL", "MATRIX", "SCORES"]
