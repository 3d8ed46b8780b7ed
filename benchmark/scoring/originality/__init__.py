"""Learned originality: predicts the mean human originality rating (1-5) of a response.

Fitted on the human-rated ocsai data (train split; chosen on val), shipped as plain
arrays in ``params/`` with ``provenance.json``; ``creativity-bench train-scorer`` refits
it on a lab's own ratings and ``LearnedOriginality(params=DIR)`` uses the result.
"""

from benchmark.scoring.originality.data import TASKS, read_ocsai_jsonl, read_ratings, task_of
from benchmark.scoring.originality.model import DEFAULT_PARAMS_DIR, OriginalityModel
from benchmark.scoring.originality.scorer import LearnedOriginality
from benchmark.scoring.originality.train import (
    FitReport,
    fit_model,
    leave_objects_out_cv,
    ocsai_splits,
    ocsai_training_set,
    ocsai_validation_set,
)

__all__ = [
    "DEFAULT_PARAMS_DIR",
    "FitReport",
    "LearnedOriginality",
    "OriginalityModel",
    "TASKS",
    "fit_model",
    "leave_objects_out_cv",
    "ocsai_splits",
    "ocsai_training_set",
    "ocsai_validation_set",
    "read_ocsai_jsonl",
    "read_ratings",
    "task_of",
]
