"""SemDisGlove: semantic distance between the prompt and the response (GloVe, stop words removed).

An ``evaluate`` wrapper around the creativity-bench scorer ``semdis_glove``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/semdis_glove")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "semantic distance between the prompt and the response (GloVe, stop words removed)"
_CITATION = "creativity-bench (scorer semdis_glove)"
_KWARGS = """
Args:
    predictions: list of response texts (ideas one per line for list answers).
    references: the stimulus, e.g. the AUT object, one per prediction.
    task_id: the task the responses answer (default "aut").
    Further keyword arguments are options of the scorer.
Returns:
    semdis_glove: mean over scored responses; scores: per-response values (NaN when unscorable);
    n_scored; reasons: why a response has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class SemDisGlove(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references, task_id="aut", **options):
        return compute("semdis_glove", predictions, references, task_id=task_id, **options)
