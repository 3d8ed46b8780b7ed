"""RemoteAssociates: Remote Associates accuracy: 1 when the answer is the solution (case, plural and spacing tolerant).

An ``evaluate`` wrapper around the creativity-bench scorer ``rat``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/rat")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "Remote Associates accuracy: 1 when the answer is the solution (case, plural and spacing tolerant)"
_CITATION = "creativity-bench (scorer rat)"
_KWARGS = """
Args:
    predictions: list of response texts (ideas one per line for list answers).
    references: the solution word, one per prediction.
    task_id: the task the responses answer (default "rat").
    Further keyword arguments are options of the scorer.
Returns:
    rat: mean over scored responses; scores: per-response values (NaN when unscorable);
    n_scored; reasons: why a response has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class RemoteAssociates(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references, task_id="rat", **options):
        return compute("rat", predictions, references, task_id=task_id, **options)
