"""The main job end to end: run a model on a suite, score it, place it among people.

    from benchmark.evaluation import evaluate
    result = evaluate("llamacpp/smollm2", suite="core", out="results/smollm2-core")

``evaluate`` chains the runner, the scorers with their human norms and the leaderboard,
and writes a report; ``summary_table`` is the per-task table printed in the terminal.
"""

from benchmark.evaluation.pipeline import EvaluationResult, evaluate, run_slug
from benchmark.evaluation.summary import PRIMARY_SCORERS, primary_scorer, summary_table

__all__ = ["EvaluationResult", "PRIMARY_SCORERS", "evaluate", "primary_scorer", "run_slug", "summary_table"]
