"""``judge_checklist``: binary craft tests in the style of the Torrance Test of Creative Writing.

Why: a single 1-5 rating from a small judge tracks people poorly (see the README's judge
figures); Chakrabarty et al. (2024, "Art or Artifice?", CHI) turned the Torrance
dimensions - fluency, flexibility, originality, elaboration - into yes/no tests that
experts answer with a reason, and a yes/no question is easier for a judge to answer
consistently than a point on a scale. The score is the share of tests the judge says
the text passes (0-1); each answer and its reason are in ``details``.

The tests are the task's own ``checklist:`` when its YAML declares one (so a human
checklist study and this judge ask the same questions), else ``TTCW_TESTS`` below. A
reply must start with yes or no (after optional markup); an unparseable reply is nudged
``retries`` times and then left out of the pass rate (counted in ``details.unanswered``);
a text with no answered test is NaN with the replies.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import pandas as pd

from benchmark.scoring.base import score_frame
from benchmark.scoring.judge import DEFAULT_JUDGE, NAN, _LLMJudge
from benchmark.scoring.prepare import is_missing
from benchmark.scoring.rows import row_problem

# (name, Torrance dimension, question), after the TTCW tests of Chakrabarty et al. 2024
TTCW_TESTS: tuple[tuple[str, str, str], ...] = (
    ("narrative_pacing", "fluency", "Does the story manipulate time (speeding up, slowing down, skipping) in a way that serves the story?"),
    ("narrative_ending", "fluency", "Does the ending feel earned: surprising, yet following from what came before?"),
    ("perspective_voice", "flexibility", "Does the story show a distinct perspective or narrative voice rather than a generic one?"),
    ("emotional_range", "flexibility", "Does the story move through more than one emotion, or hold contrasting feelings at once?"),
    ("original_theme", "originality", "Is the story's central idea or situation fresh, unlike the stories most writers would tell?"),
    ("original_language", "originality", "Does the story use fresh images or turns of phrase instead of cliches?"),
    ("world_detail", "elaboration", "Does the story give concrete, specific details that make its world or setting vivid?"),
    ("character_depth", "elaboration", "Does at least one character have inner life: wants, doubts or contradictions?"),
)
SYSTEM_PROMPT = "You are an expert judge of creative writing. Answer each question with yes or no, then one short reason."
QUESTION = """Read the piece of writing below, written for this task:
{task}

Piece:
\"\"\"{answer}\"\"\"

Question: {question}
Answer "yes" or "no" first, then give one short reason."""
NUDGE = 'Start your reply with the single word "yes" or "no", then give one short reason.'
_YES_NO = re.compile(r"^\W*(?:answer\s*[:\-]?\s*)?\**\s*(yes|no)\b", re.IGNORECASE)


def parse_yes_no(reply: str) -> tuple[bool, str] | None:
    """(passed, reason) when the reply starts with yes or no, else None."""
    m = _YES_NO.match(str(reply or ""))
    if m is None:
        return None
    reason = str(reply)[m.end():].strip(" .,:;-*\n")
    return m.group(1).lower() == "yes", reason[:300]


def task_tests(task_id: str) -> list[tuple[str, str, str]]:
    """The task's declared checklist, else the TTCW-style defaults."""
    try:
        from benchmark.tasks import load_task

        declared = load_task(str(task_id)).checklist
    except Exception:  # an unknown task (a plain CSV of stories) uses the defaults
        declared = []
    if declared:
        return [(c["name"], "task", c["question"]) for c in declared]
    return list(TTCW_TESTS)


class JudgeChecklist(_LLMJudge):
    """Pass rate of yes/no craft tests, each answered by the judge model with a reason."""

    name: ClassVar[str] = "judge_checklist"
    nudge: ClassVar[str] = NUDGE
    system_prompt: ClassVar[str] = SYSTEM_PROMPT  # the shared judge prompt asks for numbers only

    def __init__(self, model: str = DEFAULT_JUDGE, model_options: dict[str, Any] | None = None, retries: int = 1,
                 temperature: float = 0.0, max_tokens: int = 48, seed: int = 1234, backend: Any = None,
                 max_chars: int = 3000):
        super().__init__(model, model_options, retries, temperature, max_tokens, seed, backend)
        self.max_chars = int(max_chars)

    def parse(self, reply: str) -> tuple[bool, str] | None:
        return parse_yes_no(reply)

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        df = responses.reset_index(drop=True)
        prompts: list[str] = []
        plan: list[list[tuple[int, tuple[str, str, str]]]] = []
        problems: list[str | None] = []
        tests_by_task: dict[str, list[tuple[str, str, str]]] = {}
        for row in df.itertuples(index=False):
            problem = row_problem(row)
            problems.append(problem)
            if problem:
                plan.append([])
                continue
            tests = tests_by_task.setdefault(str(row.task_id), task_tests(str(row.task_id)))
            task = getattr(row, "prompt", None)
            if is_missing(task) or not str(task).strip():
                item = getattr(row, "item", None)
                task = f"{row.task_id}: {row.item_id if is_missing(item) else item}"
            answer = str(row.text).strip()[: self.max_chars]
            slots = []
            for test in tests:
                slots.append((len(prompts), test))
                prompts.append(QUESTION.format(task=str(task).strip()[:800], answer=answer, question=test[2]))
            plan.append(slots)
        results = self.run_prompts(prompts)
        values: list[float] = []
        details: list[dict[str, Any]] = []
        for slots, problem in zip(plan, problems):
            if problem:
                values.append(NAN)
                details.append({"reason": problem})
                continue
            answers, unanswered = [], 0
            for slot, (name, dim, _q) in slots:
                parsed, replies, error = results[slot]
                if parsed is None:
                    unanswered += 1
                    answers.append({"test": name, "dimension": dim, "passed": None, "replies": replies, "error": error})
                else:
                    answers.append({"test": name, "dimension": dim, "passed": parsed[0], "reason": parsed[1]})
            done = [a["passed"] for a in answers if a["passed"] is not None]
            det: dict[str, Any] = {"tests": answers, "judge": self.model, "answered": len(done), "unanswered": unanswered}
            if not done:
                values.append(NAN)
                det["reason"] = f"judge answered none of the {len(slots)} tests with yes or no"
            else:
                values.append(sum(done) / len(done))
            details.append(det)
        return score_frame(df, self.name, self.version, values, details)


__all__ = ["JudgeChecklist", "TTCW_TESTS", "parse_yes_no", "task_tests"]
