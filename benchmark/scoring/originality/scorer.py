"""The ``originality`` scorer: the learned model applied to responses.

Why flags rather than refusals: an object the model never saw in training is still
scored (the features are generic), but ``details.out_of_domain`` says so, so analyses
can check whether conclusions hold on in-domain items. Text that cannot be judged
(empty, garbage, not English) and tasks the model does not cover get NaN with a reason.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.scoring.base import score_frame
from benchmark.scoring.originality.data import TASK_ALIASES, task_of
from benchmark.scoring.originality.features import build_features
from benchmark.scoring.originality.model import OriginalityModel
from benchmark.scoring.rows import mean_over_ideas
from benchmark.scoring.semantic_distance import (
    flush_text_features,
    prefetch_text_problems,
    response_units,
    row_items,
    text_problem,
)

_CHUNK = 8192


class LearnedOriginality:
    """Predicted mean human originality (1-5) per response; mean over ideas when listed."""

    name: ClassVar[str] = "originality"
    version: ClassVar[str] = "1"

    def __init__(self, params: str | None = None, task: str | None = None):
        self.params = params
        self.model = OriginalityModel.load(params)
        if task is not None and task_of(task) is None:
            raise BenchError(f"unknown task '{task}' for the originality scorer", fix=f"use one of {', '.join(sorted(TASK_ALIASES))}")
        self.task = task

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        units = response_units(responses)
        items = row_items(responses)
        if self.task is not None:
            tasks = [task_of(self.task)] * len(responses)
        elif "task_id" in responses.columns:
            tasks = [task_of(t) for t in responses["task_id"]]
        else:
            tasks = ["uses"] * len(responses)
        flat: list[tuple[str, str, str]] = []
        where: list[tuple[int, int]] = []
        problems: list[list[str | None]] = []
        prefetch_text_problems(t for u in units for t in u)
        for r, (task, item, texts) in enumerate(zip(tasks, items, units)):
            row: list[str | None] = []
            for j, t in enumerate(texts):
                if task is None:
                    p = (f"task '{responses['task_id'].iloc[r]}' is not covered "
                         "(the model is trained on AUT, Consequences and Instances)")
                elif task not in self.model.heads:
                    p = f"these originality parameters have no model for task '{task}' (fitted: {', '.join(sorted(self.model.heads))})"
                elif item is None:
                    p = "no item (object or scenario) to judge against"
                else:
                    p = text_problem(t)
                row.append(p)
                if p is None:
                    flat.append((task, item, str(t).strip()))  # type: ignore[arg-type]
                    where.append((r, j))
            problems.append(row)
        flush_text_features()
        preds = np.empty(len(flat))
        ood = np.zeros(len(flat), dtype=bool)
        for i in range(0, len(flat), _CHUNK):  # bounded memory for 100k+ responses
            t, it, tx = (list(x) for x in zip(*flat[i : i + _CHUNK]))
            preds[i : i + _CHUNK], ood[i : i + _CHUNK] = self.model.predict(t, it, build_features(t, it, tx))
        per: list[list[float]] = [[math.nan] * len(u) for u in units]
        for (r, j), v in zip(where, preds):
            per[r][j] = float(v)
        values: list[float] = []
        details: list[dict[str, Any]] = []
        for r in range(len(units)):
            value, det = mean_over_ideas(per[r], problems[r], decimals=4)
            det.update({"item": items[r], "task": tasks[r]})
            if tasks[r] is not None and items[r] is not None:
                # no rated responses to this item in training: scored by the object-free head
                det["out_of_domain"] = not self.model.is_known_item(tasks[r], items[r])  # type: ignore[arg-type]
            values.append(value)
            details.append(det)
        return score_frame(responses, self.name, self.version, values, details)


__all__ = ["LearnedOriginality"]
