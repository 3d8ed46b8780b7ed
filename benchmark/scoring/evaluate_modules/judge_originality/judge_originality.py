"""JudgeOriginality: originality 1-5 rated by an LLM judge (ocsai-style prompt), mean over ideas.

An ``evaluate`` wrapper around the creativity-bench scorer ``judge_originality``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/judge_originality")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "originality 1-5 rated by an LLM judge (ocsai-style prompt), mean over ideas"
_CITATION = "creativity-bench (scorer judge_originality)"
_KWARGS = """
Args:
    predictions: list of response texts (ideas one per line for list answers).
    references: the stimulus, e.g. the AUT object, one per prediction.
    task_id: the task the responses answer (default "aut").
    Further keyword arguments are options of the scorer.
Returns:
    judge_originality: mean over scored responses; scores: per-response values (NaN when unscorable);
    n_scored; reasons: why a response has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class JudgeOriginality(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references, task_id="aut", **options):
        return compute("judge_originality", predictions, references, task_id=task_id, **options)
