"""DivergentAssociation: Divergent Association Task score (Olson et al. 2021): mean pairwise cosine distance x 100 of the first 7 valid words.

An ``evaluate`` wrapper around the creativity-bench scorer ``dat``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/dat")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import datasets
import evaluate

from benchmark.scoring.evaluate_bridge import compute

_DESCRIPTION = "Divergent Association Task score (Olson et al. 2021): mean pairwise cosine distance x 100 of the first 7 valid words"
_CITATION = "creativity-bench (scorer dat)"
_KWARGS = """
Args:
    predictions: list of response texts (ideas one per line for list answers).
    task_id: the task the responses answer (default "dat").
    Further keyword arguments are options of the scorer.
Returns:
    dat: mean over scored responses; scores: per-response values (NaN when unscorable);
    n_scored; reasons: why a response has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class DivergentAssociation(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Value("string")}),
        )

    def _compute(self, predictions, task_id="dat", **options):
        return compute("dat", predictions, None, task_id=task_id, **options)
