"""What the ``evaluate`` modules call: one scorer over plain lists of texts.

``evaluate.load("benchmark/scoring/evaluate_modules/<name>")`` gives a Hugging Face
``evaluate`` metric whose ``compute(predictions=..., references=...)`` lands here, so the
metric and ``creativity-bench score`` share one implementation. ``references`` are the
stimulus (AUT object, scenario) for most scorers and the solution word for ``rat``.
"""

from __future__ import annotations

import json
import math
from typing import Any, Sequence

import pandas as pd

from benchmark.scoring.prepare import prepare_responses

STIMULUS_IS_SOLUTION = ("rat",)


def metric_info(description: str, citation: str, inputs_description: str) -> Any:
    """The ``MetricInfo`` every module returns: texts in, the stimulus as reference."""
    import datasets
    import evaluate

    return evaluate.MetricInfo(
        description=description,
        citation=citation,
        inputs_description=inputs_description,
        features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
    )


def compute(name: str, predictions: Sequence[str], references: Sequence[str] | None = None,
            task_id: str = "aut", **options: Any) -> dict[str, Any]:
    """Score ``predictions`` with scorer ``name``; per-response values, their mean and reasons."""
    from benchmark.scoring import get_scorer

    n = len(predictions)
    refs = list(references) if references is not None else [""] * n
    df = pd.DataFrame({"task_id": task_id, "item": [r if r else task_id for r in refs], "text": list(predictions),
                       "source": "evaluate"})
    if name in STIMULUS_IS_SOLUTION:
        df["solution"] = refs
        df["item"] = [f"item {i}" for i in range(n)]
    prepared = prepare_responses(df, where=f"evaluate:{name}")
    scores = get_scorer(name, **options).score(prepared)
    values = [float(v) for v in scores["value"]]
    ok = [v for v in values if not math.isnan(v)]
    reasons = [json.loads(d).get("reason") for d in scores["details"]]
    return {
        name: float(sum(ok) / len(ok)) if ok else float("nan"),
        "scores": values,
        "n_scored": len(ok),
        "reasons": reasons,
        "scorer_version": str(scores["scorer_version"].iloc[0]) if n else "",
    }


__all__ = ["compute"]
