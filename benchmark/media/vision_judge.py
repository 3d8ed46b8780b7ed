"""``judge_vision``: a vision-language model rates images on a task's dimensions. UNVALIDATED.

Why it exists: human ratings of images are slow to collect, and a judge that agreed with
them would let a suite score image models automatically. Whether any judge agrees with
people on these tasks has not been measured, so it is off by default (no task lists it),
its version says ``unvalidated`` and every row's details carry ``"validated": false``;
check it against a rating study (``creativity-bench analyze`` reports scorer validity)
before trusting a number from it.

It talks to any OpenAI-compatible chat server that accepts images (``openai/MODEL``: the
OpenAI API, vLLM or llama.cpp serving a vision model), with the image in the user
message as a ``data:image/png;base64,...`` URL. The judge sees the same blinded copy a
rater would (re-encoded, metadata-free, longer side ``max_side``), never the original
file, so it cannot read the generator's name out of the metadata. Replies are parsed
strictly (one 1-5 rating per dimension); an unparseable reply gets a nudge, and after
``retries`` of them the row is NaN with the replies in ``details``, never a guess.
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from benchmark.errors import BenchError

VERSION = "0.1-unvalidated"
NAME = "judge_vision"
SYSTEM = "You are an expert rater of creative work. You answer with ratings only."
PROMPT = """This image was made for the brief below.
Brief: {brief}

Rate the image on each dimension from 1 (lowest) to 5 (highest):
{dimensions}

Reply with exactly one line per dimension and nothing else:
{form}"""
NUDGE = "Reply with one line per dimension and nothing else, a number from 1 to 5 after each colon:\n{form}"
DEFAULT_DIMENSIONS = [
    {"name": "originality", "description": "How new and unexpected is it?"},
    {"name": "overall", "description": "How creative is it overall?"},
]


def data_url(data: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def image_messages(image_png: bytes, brief: str, dimensions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chat request: the rubric as text and the image as a data URL, in one user turn."""
    dims = "\n".join(f"- {d['name']}: {d.get('description') or d['name']}" for d in dimensions)
    form = "\n".join(f"{d['name']}: <1-5>" for d in dimensions)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": [
            {"type": "text", "text": PROMPT.format(brief=brief.strip()[:1500], dimensions=dims, form=form)},
            {"type": "image_url", "image_url": {"url": data_url(image_png)}},
        ]},
    ]


class VisionJudge:
    """Rates every image response of a run folder; one score row per response (the mean)."""

    name = NAME

    def __init__(self, model: str, model_options: dict[str, Any] | None = None, *, retries: int = 2,
                 max_tokens: int = 64, seed: int = 1234, max_side: int = 768, backend: Any = None):
        if backend is None:
            if not model.startswith("openai/"):
                raise BenchError(f"the vision judge needs an OpenAI-compatible chat model, not '{model}'",
                                 fix="e.g. --judge-model openai/gpt-4o, or openai/MODEL -M base_url=... for a local vision model")
            from benchmark.models import get_model

            backend = get_model(model, **dict(model_options or {}))
        self.backend = backend
        self.model = str(getattr(backend, "spec", model))
        self.retries, self.max_tokens, self.seed, self.max_side = int(retries), int(max_tokens), int(seed), int(max_side)
        self.version = f"{VERSION}+{self.model}"

    async def _ask(self, messages: list[dict[str, Any]], names: tuple[str, ...], form: str,
                   sem: asyncio.Semaphore) -> tuple[dict[str, float] | None, list[str], str | None]:
        from benchmark.models import GenerationError
        from benchmark.runner.retry import RetriesExhausted, RetryPolicy, call_with_retries
        from benchmark.scoring.judge import parse_dimensions

        replies: list[str] = []
        error = None
        for attempt in range(self.retries + 1):
            async def call() -> Any:
                return await self.backend.generate(messages, temperature=0.0 if attempt == 0 else 0.7,
                                                   max_tokens=self.max_tokens, top_p=1.0, seed=self.seed + attempt)
            try:
                async with sem:
                    gen, _ = await call_with_retries(call, RetryPolicy(max_attempts=3))
            except (GenerationError, RetriesExhausted) as exc:
                error = f"{type(exc).__name__}: {exc}"
                continue
            replies.append(gen.text)
            parsed = parse_dimensions(gen.text, names)
            if parsed is not None:
                return parsed, replies, None
            messages = messages + [{"role": "assistant", "content": gen.text},
                                   {"role": "user", "content": NUDGE.format(form=form)}]
        return None, replies, error

    def score_run(self, run_dir: str | Path, progress: bool = True) -> pd.DataFrame:
        """SCORE_COLUMNS rows for the responses in ``run_dir`` (audio and text rows get NaN with a reason)."""
        from benchmark.media.images import reencode_image
        from benchmark.scoring.base import score_frame
        from benchmark.tasks import load_all_tasks

        run_dir = Path(run_dir)
        path = run_dir / "responses.parquet"
        if not path.exists():
            raise BenchError("no responses.parquet in the run folder", where=str(run_dir), fix="give a run folder")
        df = pd.read_parquet(path).reset_index(drop=True)
        tasks = load_all_tasks()
        jobs: list[tuple[int, list[dict[str, Any]], tuple[str, ...], str]] = []
        details: list[dict[str, Any]] = [{} for _ in range(len(df))]
        for i, row in enumerate(df.to_dict("records")):
            if isinstance(row.get("error"), str) and row["error"]:
                details[i] = {"reason": "the response is an error"}
            elif not str(row.get("media_type") or "").startswith("image/"):
                details[i] = {"reason": "the vision judge rates images only"}
            else:
                task = tasks.get(str(row["task_id"]))
                dims = (task.dimensions if task is not None else None) or DEFAULT_DIMENSIONS
                png, _ = reencode_image(run_dir / str(row["media_path"]), fmt="png", max_side=self.max_side)
                names = tuple(d["name"] for d in dims)
                form = "\n".join(f"{n}:" for n in names)
                jobs.append((i, image_messages(png, str(row.get("prompt") or row["task_id"]), dims), names, form))

        async def main() -> list[tuple[dict[str, float] | None, list[str], str | None]]:
            sem = asyncio.Semaphore(max(1, int(getattr(self.backend, "concurrency", 1))))
            bar = tqdm(total=len(jobs), desc=NAME, disable=not progress or len(jobs) < 5)

            async def one(job: tuple) -> tuple[dict[str, float] | None, list[str], str | None]:
                res = await self._ask(job[1], job[2], job[3], sem)
                bar.update(1)
                return res

            try:
                return await asyncio.gather(*(one(j) for j in jobs))
            finally:
                bar.close()
                await self.backend.aclose()

        results = asyncio.run(main()) if jobs else []
        values = [float("nan")] * len(df)
        for (i, *_), (parsed, replies, error) in zip(jobs, results):
            if parsed is None:
                details[i] = {"reason": f"judge backend failed: {error}" if error and not replies
                              else f"judge reply unparseable after {len(replies)} attempt(s)", "replies": replies}
            else:
                values[i] = float(np.mean(list(parsed.values())))
                details[i] = {**parsed, "judge": self.model}
        for d in details:
            d["validated"] = False
        return score_frame(df, NAME, self.version, values, details)
