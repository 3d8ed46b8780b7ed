"""LLM-as-judge scorers: an ocsai-style originality rating and a writing rubric.

Any backend of ``benchmark.models`` can judge (``model="openai/gpt-4o"``, ``-M``-style
options as keyword ``model_options``); the default is the embedded ``llamacpp/smollm2``
so the suite runs offline. The judge is just another scorer whose agreement with human
ratings the analysis can measure, so its version names the judge model.

Answers are parsed strictly: a rating must be a number from 1 to 5 that the reply
clearly gives (``"Rating: 4"``, ``"4/5"``, or the only such number). An unparseable reply
is answered with a nudge that restates the format, up to ``retries`` times; after that the
row gets NaN with the replies in ``details`` - never a guessed or default value.
Decoding is deterministic: temperature 0 and a fixed seed per attempt; retries sample at
temperature 0.7 (still seeded), because greedy decoding repeats a bad reply word for word.

Backend failures go through the runner's retry policy (``benchmark.runner.retry``:
exponential backoff with jitter, the server's Retry-After, the backend's time-out), the
same one a run uses. After ``give_up_after`` prompts in a row fail even so, the judge is
taken to be down and the remaining prompts are not sent (each row says why), so an
unreachable judge ends in seconds rather than after every prompt's retries. The HTTP
session is closed in the loop that opened it.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from benchmark.scoring.base import score_frame
from benchmark.scoring.prepare import ideas_of, is_missing
from benchmark.scoring.rows import row_problem

DEFAULT_JUDGE = "llamacpp/smollm2"
NAN = float("nan")

TASK_DESCRIPTIONS = {
    "aut": "In the Alternative Uses Task, people think of unusual, creative uses for an everyday object.",
    "instances": "In the Instances task, people name as many creative examples as they can of things that have a given property.",
    "consequences": "In the Consequences task, people imagine what would happen if an unusual situation came true.",
}
GENERIC_DESCRIPTION = "In a divergent-thinking task, people give creative answers to a prompt."
SYSTEM = "You are an expert rater of creativity tests. You answer with numbers only."

ORIGINALITY_PROMPT = """{description}
Prompt: {item}
Someone answered: "{answer}"

How original is this answer? Give 1 for a common, obvious answer, 3 for a moderately original one and 5 for a highly original, surprising and clever one.

Reply with the rating only, a single number from 1 to 5."""

# Optional worked examples (``few_shot=True``), shown as earlier chat turns to fix the
# reply format and anchor the scale for larger judges. The object is not an ocsai object.
ORIGINALITY_EXAMPLES = [
    ("newspaper", "read the news", "1"),
    ("newspaper", "wrap fish in it at the market", "3"),
    ("newspaper", "fold it into a sail for a bathtub pirate ship", "5"),
]

ORIGINALITY_NUDGE = "That was not a rating. Reply with only one number from 1 to 5 and nothing else."

WRITING_DIMENSIONS = ("originality", "style", "coherence")
WRITING_PROMPT = """Rate the piece of writing below, written for this task:
{task}

Piece:
\"\"\"{answer}\"\"\"

Rate three dimensions from 1 (poor) to 5 (excellent):
originality - fresh, surprising ideas and images rather than cliches;
style - how well it follows the requested form, style or voice;
coherence - it reads as one clear, well-organised whole.

Reply with exactly three lines, each a dimension and its rating, in this format:
originality: <1-5>
style: <1-5>
coherence: <1-5>"""

WRITING_NUDGE = "Reply with three lines and nothing else, a number from 1 to 5 after each colon:\noriginality:\nstyle:\ncoherence:"

_NUM = r"([1-5](?:\.\d+)?)"
_LABELLED = re.compile(r"(?:rating|score|originality|rate|rated)\s*(?:is|of|:|=|-)?\s*\**\s*" + _NUM + r"(?![\d.]*\d)", re.IGNORECASE)
_OUT_OF = re.compile(_NUM + r"\s*(?:/|out of)\s*5\b", re.IGNORECASE)
_ANY_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w]|\.\d)")


def parse_rating(reply: str) -> float | None:
    """The 1-5 rating a reply gives, or None when it does not give exactly one."""
    text = str(reply or "").strip()
    if not text:
        return None
    for pattern in (_LABELLED, _OUT_OF):
        m = pattern.search(text)
        if m:
            return float(m.group(1))
    numbers = {float(n) for n in _ANY_NUMBER.findall(text)}
    in_range = {n for n in numbers if 1.0 <= n <= 5.0}
    if len(numbers) == 1 and len(in_range) == 1:
        return in_range.pop()
    return None


def parse_dimensions(reply: str, dimensions: tuple[str, ...] = WRITING_DIMENSIONS) -> dict[str, float] | None:
    """``{"originality": 4.0, ...}`` when every dimension has a 1-5 rating, else None."""
    found: dict[str, float] = {}
    for dim in dimensions:
        m = re.search(rf"{dim}\w*\**\s*[:=\-]?\s*\**\s*{_NUM}(?![\d.]*\d)", str(reply or ""), re.IGNORECASE)
        if m is None:
            return None
        found[dim] = float(m.group(1))
    return found


class _JudgeDown(Exception):
    """The judge failed ``give_up_after`` prompts in a row: the rest are not sent."""


class _LLMJudge:
    """Shared plumbing: the backend, retries with a nudge, concurrency, progress."""

    name: ClassVar[str] = ""
    nudge: ClassVar[str] = ""
    base_version: ClassVar[str] = "1.0"

    def __init__(
        self,
        model: str = DEFAULT_JUDGE,
        model_options: dict[str, Any] | None = None,
        retries: int = 2,
        temperature: float = 0.0,
        max_tokens: int = 16,
        seed: int = 1234,
        backend: Any = None,
        retry_policy: Any = None,
        give_up_after: int = 3,
        retry_attempts: int | None = None,
    ):
        from benchmark.runner.retry import RetryPolicy

        if backend is None:
            from benchmark.models import get_model

            backend = get_model(model, **dict(model_options or {}))
        self.backend = backend
        self.model = str(getattr(backend, "spec", model))
        self.retries = int(retries)
        self.temperature = float(temperature)
        self.max_tokens = int(max_tokens)
        self.seed = int(seed)
        # greedy decoding repeats a bad reply word for word, so retries sample (seeded)
        self.retry_temperature = max(self.temperature, 0.7)
        self.version = f"{self.base_version}+{self.model}"
        if isinstance(retry_policy, dict):
            retry_policy = RetryPolicy(**retry_policy)
        self.retry_policy = retry_policy or RetryPolicy()
        if retry_attempts is not None:  # -O judge_originality.retry_attempts=N from the command line
            from dataclasses import replace

            self.retry_policy = replace(self.retry_policy, max_attempts=max(1, int(retry_attempts)))
        self.give_up_after = max(1, int(give_up_after))
        self._failed_in_a_row = 0
        self._last_failure: str | None = None

    def parse(self, reply: str) -> Any:
        raise NotImplementedError

    def shots(self) -> list[dict[str, str]]:
        """Worked examples as earlier chat turns (none by default)."""
        return []

    async def ask(self, prompt: str, sem: asyncio.Semaphore) -> tuple[Any, list[str], str | None]:
        """(parsed value or None, the replies, the last backend error)."""
        from benchmark.models import GenerationError
        from benchmark.runner.retry import RetriesExhausted, call_with_retries

        messages = [{"role": "system", "content": getattr(self, "system_prompt", SYSTEM)}, *self.shots(),
                    {"role": "user", "content": prompt}]
        replies: list[str] = []
        error: str | None = None
        for attempt in range(self.retries + 1):

            async def once(msgs=messages, attempt=attempt):
                async with sem:  # held for the call only, not while backing off
                    if self._failed_in_a_row >= self.give_up_after:  # checked under the semaphore: no race
                        raise _JudgeDown(f"not asked: {self._failed_in_a_row} prompts in a row failed; "
                                         f"last: {self._last_failure}")
                    return await self.backend.generate(
                        messages=msgs, temperature=self.temperature if attempt == 0 else self.retry_temperature,
                        max_tokens=self.max_tokens, top_p=1.0, seed=self.seed + attempt,
                    )

            try:
                gen, _ = await call_with_retries(once, self.retry_policy)
            except _JudgeDown as exc:
                return None, replies, str(exc)
            except (RetriesExhausted, GenerationError) as exc:  # retrying (or a nudge) cannot help now
                name = type(exc.last).__name__ if isinstance(exc, RetriesExhausted) else type(exc).__name__
                error = f"{name}: {exc}"
                self._failed_in_a_row += 1
                self._last_failure = error
                break
            self._failed_in_a_row = 0
            replies.append(gen.text)
            parsed = self.parse(gen.text)
            if parsed is not None:
                return parsed, replies, None
            messages = messages + [{"role": "assistant", "content": gen.text}, {"role": "user", "content": self.nudge}]
        return None, replies, error

    def run_prompts(self, prompts: list[str]) -> list[tuple[Any, list[str], str | None]]:
        """Ask every prompt (bounded by the backend's concurrency) with a progress bar."""
        if not prompts:
            return []

        from benchmark.models.base import LocalModel

        self._failed_in_a_row = 0

        async def main() -> list[tuple[Any, list[str], str | None]]:
            sem = asyncio.Semaphore(max(1, int(getattr(self.backend, "concurrency", 1))))
            bar = tqdm(total=len(prompts), desc=self.name, leave=False, disable=len(prompts) < 5)

            async def one(p: str) -> tuple[Any, list[str], str | None]:
                res = await self.ask(p, sem)
                bar.update(1)
                return res

            try:
                return await asyncio.gather(*(one(p) for p in prompts))
            finally:
                bar.close()
                if not isinstance(self.backend, LocalModel):  # an HTTP session dies with its loop: close it here
                    await self.backend.aclose()

        return asyncio.run(main())

    def failure(self, replies: list[str], error: str | None) -> dict[str, Any]:
        if error and not replies:
            return {"reason": f"judge backend failed: {error}"}
        return {"reason": f"judge reply unparseable after {len(replies)} attempt(s)", "replies": replies}


class JudgeOriginality(_LLMJudge):
    """Mean 1-5 originality over the ideas of a response, each rated by the judge model."""

    name: ClassVar[str] = "judge_originality"
    nudge: ClassVar[str] = ORIGINALITY_NUDGE

    def __init__(self, model: str = DEFAULT_JUDGE, model_options: dict[str, Any] | None = None, retries: int = 2,
                 temperature: float = 0.0, max_tokens: int = 16, seed: int = 1234, backend: Any = None,
                 max_ideas: int = 10, few_shot: bool = False, retry_policy: Any = None, give_up_after: int = 3,
                 retry_attempts: int | None = None):
        super().__init__(model, model_options, retries, temperature, max_tokens, seed, backend, retry_policy,
                         give_up_after, retry_attempts)
        self.max_ideas = int(max_ideas)
        self.few_shot = bool(few_shot)
        if self.few_shot:  # off by default: SmolLM2 copies the last example's rating (r = nan on 80 AUT answers)
            self.version += "+few-shot"

    def parse(self, reply: str) -> float | None:
        return parse_rating(reply)

    def shots(self) -> list[dict[str, str]]:
        if not self.few_shot:
            return []
        turns: list[dict[str, str]] = []
        for item, answer, rating in ORIGINALITY_EXAMPLES:
            turns.append({"role": "user", "content": self.prompt("aut", item, answer)})
            turns.append({"role": "assistant", "content": rating})
        return turns

    def prompt(self, task_id: str, item: str, answer: str) -> str:
        description = TASK_DESCRIPTIONS.get(str(task_id), GENERIC_DESCRIPTION)
        return ORIGINALITY_PROMPT.format(description=description, item=item, answer=answer.strip()[:500])

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        df = responses.reset_index(drop=True)
        plan: list[list[int]] = []
        prompts: list[str] = []
        ideas_per_row: list[list[str]] = []
        problems: list[str | None] = []
        for row in df.itertuples(index=False):
            problem = row_problem(row)
            ideas = [] if problem else ideas_of(row.text, getattr(row, "ideas", None))[: self.max_ideas]
            if not problem and not ideas:
                problem = "no ideas in the response"
            item = getattr(row, "item", None)
            item = row.item_id if is_missing(item) or not str(item).strip() else str(item)
            idx = []
            for idea in ideas:
                idx.append(len(prompts))
                prompts.append(self.prompt(row.task_id, item, idea))
            plan.append(idx)
            ideas_per_row.append(ideas)
            problems.append(problem)
        results = self.run_prompts(prompts)
        values: list[float] = []
        details: list[dict[str, Any]] = []
        for idx, ideas, problem in zip(plan, ideas_per_row, problems):
            if problem:
                values.append(NAN)
                details.append({"reason": problem})
                continue
            ratings = [results[i][0] for i in idx]
            per_idea = [{"idea": idea, "rating": r} for idea, r in zip(ideas, ratings)]
            good = [r for r in ratings if r is not None]
            if not good:
                values.append(NAN)
                details.append({**self.failure(results[idx[0]][1], results[idx[0]][2]), "ideas": per_idea})
            else:
                values.append(float(np.mean(good)))
                d: dict[str, Any] = {"ideas": per_idea, "judge": self.model}
                if len(good) < len(ratings):
                    d["unrated_ideas"] = len(ratings) - len(good)
                details.append(d)
        return score_frame(df, self.name, self.version, values, details)


class JudgeWriting(_LLMJudge):
    """Mean of originality, style fidelity and coherence (each 1-5) for a written piece."""

    name: ClassVar[str] = "judge_writing"
    nudge: ClassVar[str] = WRITING_NUDGE

    def __init__(self, model: str = DEFAULT_JUDGE, model_options: dict[str, Any] | None = None, retries: int = 2,
                 temperature: float = 0.0, max_tokens: int = 40, seed: int = 1234, backend: Any = None,
                 max_chars: int = 3000, retry_policy: Any = None, give_up_after: int = 3,
                 retry_attempts: int | None = None):
        super().__init__(model, model_options, retries, temperature, max_tokens, seed, backend, retry_policy,
                         give_up_after, retry_attempts)
        self.max_chars = int(max_chars)

    def parse(self, reply: str) -> dict[str, float] | None:
        return parse_dimensions(reply)

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        df = responses.reset_index(drop=True)
        prompts: list[str] = []
        slots: list[int | None] = []
        problems: list[str | None] = []
        for row in df.itertuples(index=False):
            problem = row_problem(row)
            problems.append(problem)
            if problem:
                slots.append(None)
                continue
            task = getattr(row, "prompt", None)
            if is_missing(task) or not str(task).strip():
                item = getattr(row, "item", None)
                task = f"{row.task_id}: {row.item_id if is_missing(item) else item}"
            slots.append(len(prompts))
            prompts.append(WRITING_PROMPT.format(task=str(task).strip()[:800], answer=str(row.text).strip()[: self.max_chars]))
        results = self.run_prompts(prompts)
        values: list[float] = []
        details: list[dict[str, Any]] = []
        for slot, problem in zip(slots, problems):
            if slot is None:
                values.append(NAN)
                details.append({"reason": problem})
                continue
            parsed, replies, error = results[slot]
            if parsed is None:
                values.append(NAN)
                details.append(self.failure(replies, error))
            else:
                values.append(float(np.mean(list(parsed.values()))))
                details.append({**parsed, "judge": self.model})
        return score_frame(df, self.name, self.version, values, details)


__all__ = [
    "DEFAULT_JUDGE", "JudgeOriginality", "JudgeWriting", "parse_dimensions", "parse_rating",
]
