"""Duplicates: number of ideas repeating an earlier one, exactly or nearly (MiniLM cosine).

An ``evaluate`` wrapper around the creativity-bench scorer ``duplicates``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/duplicates")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "number of ideas repeating an earlier one, exactly or nearly (MiniLM cosine)"
_CITATION = "creativity-bench (scorer duplicates)"
_KWARGS = """
Args:
    predictions: list of response texts (ideas one per line for list answers).
    references: the stimulus, e.g. the AUT object, one per prediction.
    task_id: the task the responses answer (default "aut").
    Further keyword arguments are options of the scorer.
Returns:
    duplicates: mean over scored responses; scores: per-response values (NaN when unscorable);
    n_scored; reasons: why a response has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class Duplicates(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references, task_id="aut", **options):
        return compute("duplicates", predictions, references, task_id=task_id, **options)
