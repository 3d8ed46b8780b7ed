"""The records passed between stages (see DESIGN.md): column names and the response key."""

from __future__ import annotations

RESPONSE_COLUMNS = [
    "run_id", "task_id", "task_version", "item_id", "source", "sample_idx", "seed",
    "prompt", "text", "ideas", "latency_s", "tokens", "error", "created_at",
]
# Optional: a response with an image or a sound (path relative to its run folder).
MEDIA_COLUMNS = ["media_path", "media_type"]
# A response is identified by this key everywhere (scores, studies, analysis).
RESPONSE_KEY = ["task_id", "task_version", "item_id", "source", "sample_idx"]
SCORE_COLUMNS = RESPONSE_KEY + ["scorer", "scorer_version", "value", "details"]
RATING_COLUMNS = ["item_id", "rater_id", "dimension", "value", "source"]


def is_human_source(source: str) -> bool:
    """Human pools are ``human/<pool>``; everything else is a model."""
    return str(source).startswith("human/")
