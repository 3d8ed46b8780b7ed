"""JudgeWriting: mean of originality, style fidelity and coherence (1-5) rated by an LLM judge.

An ``evaluate`` wrapper around the creativity-bench scorer ``judge_writing``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/judge_writing")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "mean of originality, style fidelity and coherence (1-5) rated by an LLM judge"
_CITATION = "creativity-bench (scorer judge_writing)"
_KWARGS = """
Args:
    predictions: list of response texts (ideas one per line for list answers).
    references: the writing task, one per prediction.
    task_id: the task the responses answer (default "story_three_words").
    Further keyword arguments are options of the scorer.
Returns:
    judge_writing: mean over scored responses; scores: per-response values (NaN when unscorable);
    n_scored; reasons: why a response has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class JudgeWriting(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references, task_id="story_three_words", **options):
        return compute("judge_writing", predictions, references, task_id=task_id, **options)
