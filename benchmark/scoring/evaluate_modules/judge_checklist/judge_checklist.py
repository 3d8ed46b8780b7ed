"""JudgeChecklist: share of yes/no craft tests (TTCW-style) an LLM judge says a story passes.

An ``evaluate`` wrapper around the creativity-bench scorer ``judge_checklist``; load it with
``evaluate.load("benchmark/scoring/evaluate_modules/judge_checklist")``. One import per line:
``evaluate`` reads these lines to check the module's dependencies.
"""

import evaluate

from benchmark.scoring.evaluate_bridge import compute
from benchmark.scoring.evaluate_bridge import metric_info

_DESCRIPTION = "share of yes/no craft tests (TTCW-style) an LLM judge says a story passes"
_CITATION = "creativity-bench (scorer judge_checklist)"
_KWARGS = """
Args:
    predictions: list of texts (stories, poems, synopses).
    references: the prompt or stimulus, one per prediction (optional for this scorer).
    task_id: the task the texts answer (default "flash_fiction").
    Further keyword arguments are options of the scorer.
Returns:
    judge_checklist: mean over scored texts; scores: per-text values (NaN when unscorable);
    n_scored; reasons: why a text has no score; scorer_version.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class JudgeChecklist(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _CITATION, _KWARGS)

    def _compute(self, predictions, references=None, task_id="flash_fiction", **options):
        return compute("judge_checklist", predictions, references, task_id=task_id, **options)
