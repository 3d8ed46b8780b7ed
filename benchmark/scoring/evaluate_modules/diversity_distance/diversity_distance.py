"""Diversity distance: mean pairwise cosine distance (MiniLM) between the responses to the same reference.

An ``evaluate`` wrapper around the creativity-bench scorer ``diversity_distance``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/diversity_distance")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "mean pairwise cosine distance (MiniLM) between the responses to the same reference"
_CITATION = "creativity-bench (scorer diversity_distance)"
_KWARGS = """
Args:
    predictions: list of response texts (ideas one per line for list answers).
    references: the stimulus; responses with the same reference form one group, one per prediction.
    task_id: the task the responses answer (default "aut").
    Further keyword arguments are options of the scorer.
Returns:
    diversity_distance: mean over scored responses; scores: per-response values (NaN when unscorable);
    n_scored; reasons: why a response has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class DiversityDistance(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references, task_id="aut", **options):
        return compute("diversity_distance", predictions, references, task_id=task_id, **options)
