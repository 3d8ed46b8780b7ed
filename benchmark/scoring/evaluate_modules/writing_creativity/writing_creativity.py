"""WritingCreativity: predicted mean human creativity rating (1-5) of a piece of writing.

An ``evaluate`` wrapper around the creativity-bench scorer ``writing_creativity``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/writing_creativity")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "predicted mean human creativity rating (1-5) of a piece of writing"
_CITATION = "creativity-bench (scorer writing_creativity)"
_KWARGS = """
Args:
    predictions: list of texts (stories, poems, synopses).
    references: the prompt or stimulus, one per prediction (optional for this scorer).
    task_id: the task the texts answer (default "flash_fiction").
    Further keyword arguments are options of the scorer.
Returns:
    writing_creativity: mean over scored texts; scores: per-text values (NaN when unscorable);
    n_scored; reasons: why a text has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class WritingCreativity(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references=None, task_id="flash_fiction", **options):
        return compute("writing_creativity", predictions, references, task_id=task_id, **options)
