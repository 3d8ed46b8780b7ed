"""Diversity: expected number of distinct answers among 10 responses to the same reference (NoveltyBench-style).

An ``evaluate`` wrapper around the creativity-bench scorer ``diversity``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/diversity")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "expected number of distinct answers among 10 responses to the same reference (NoveltyBench-style)"
_CITATION = "creativity-bench (scorer diversity)"
_KWARGS = """
Args:
    predictions: list of response texts (ideas one per line for list answers).
    references: the stimulus; responses with the same reference form one group, one per prediction.
    task_id: the task the responses answer (default "aut").
    Further keyword arguments are options of the scorer.
Returns:
    diversity: mean over scored responses; scores: per-response values (NaN when unscorable);
    n_scored; reasons: why a response has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class Diversity(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references, task_id="aut", **options):
        return compute("diversity", predictions, references, task_id=task_id, **options)
