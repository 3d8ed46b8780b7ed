"""A base for scorers that look at one response at a time.

Why: every scorer must return one row per input row in input order, and every row it
cannot score must carry NaN and a ``reason`` (never a silent zero). Doing that once here
keeps each scorer to the few lines of its own rule.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from benchmark.scoring.base import score_frame
from benchmark.scoring.prepare import is_missing, text_problem

NAN = float("nan")


def nan_with(reason: str, **details: Any) -> tuple[float, dict[str, Any]]:
    """A NaN score that says why."""
    return NAN, {"reason": reason, **details}


def mean_over_ideas(per_idea: list[float], problems: list[str | None], decimals: int) -> tuple[float, dict[str, Any]]:
    """A list answer's score: the mean of its scored ideas, with the per-idea values and
    the best one in the details; NaN with the first idea's problem when none scored."""
    ok = [v for v in per_idea if not math.isnan(v)]
    det: dict[str, Any] = {"n_ideas": len(per_idea), "n_scored": len(ok)}
    if len(per_idea) > 1:
        det["per_idea"] = [None if math.isnan(v) else round(v, decimals) for v in per_idea]
        if ok:
            det["max"] = max(ok)
    if ok:
        return (float(ok[0]) if len(ok) == 1 else float(np.mean(ok))), det
    det["reason"] = next((p for p in problems if p), "nothing to score")
    return NAN, det


class RowScorer:
    """Subclasses set ``name``/``version`` and implement ``score_row(row)``.

    ``prepare_batch`` lets a scorer do batched work (embedding every idea at once)
    before the per-row loop; rows whose text is unusable never reach ``score_row``.
    """

    name: ClassVar[str] = ""
    version: str = "1.0"
    progress_label: ClassVar[str | None] = None

    def prepare_batch(self, rows: pd.DataFrame) -> None:
        """Hook for batched pre-computation over the scorable rows."""

    def score_row(self, row: Any) -> tuple[float, dict[str, Any]]:
        raise NotImplementedError

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        df = responses.reset_index(drop=True)
        problems = [row_problem(r) for r in df.itertuples(index=False)]
        ok = [p is None for p in problems]
        self.prepare_batch(df[ok])
        values: list[float] = []
        details: list[dict[str, Any]] = []
        rows = df.itertuples(index=False)
        show = len(df) >= 200
        for row, problem in tqdm(zip(rows, problems), total=len(df), disable=not show,
                                 desc=self.progress_label or self.name, leave=False):
            if problem is not None:
                v, d = nan_with(problem)
            else:
                v, d = self.score_row(row)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                v = NAN
                d.setdefault("reason", "no score")
            values.append(float(v))
            details.append(d)
        return score_frame(df, self.name, self.version, values, details)


def row_problem(row: Any) -> str | None:
    """Why an ``itertuples`` row cannot be scored (its ``problem`` column, else its text)."""
    problem = getattr(row, "problem", None)
    if not is_missing(problem) and problem:
        return str(problem)
    return text_problem(getattr(row, "text", None), getattr(row, "error", None))


def field(row: Any, name: str, default: Any = None) -> Any:
    """A column of an ``itertuples`` row, or ``default`` when the table lacks it."""
    value = getattr(row, name, default)
    return default if is_missing(value) else value


__all__ = ["NAN", "RowScorer", "field", "nan_with", "row_problem"]
