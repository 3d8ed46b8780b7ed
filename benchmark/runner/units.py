"""Work units: one (item, source, sample) to generate, with a deterministic key and seed.

The key ``(task_id, task_version, item_id, source, sample_idx)`` is the response key used
everywhere downstream; resume and de-duplication rest on it. Each unit's seed is derived
from the run seed and the unit's position (not its source), so two models answering the
same item in runs with the same seed get the same seeds: paired comparisons stay paired.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

SEED_SCHEME = "int(sha256(f'{run_seed}/{task_id}/{item_id}/{sample_idx}')[:4 bytes], big-endian) & 0x7fffffff"

UnitKey = tuple[str, str, str, str, int]


def unit_seed(run_seed: int, task_id: str, item_id: str, sample_idx: int) -> int:
    """A 31-bit seed per unit, stable across machines and Python versions (see SEED_SCHEME)."""
    digest = hashlib.sha256(f"{run_seed}/{task_id}/{item_id}/{sample_idx}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


class ItemLike(Protocol):
    """The part of ``benchmark.tasks.TaskItem`` the runner reads."""

    task_id: str
    task_version: str
    item_id: str
    prompt: str
    system: str | None
    answer_format: str
    generation: dict


@dataclass(frozen=True)
class GenerationSettings:
    """Sampling for one unit: the task's defaults with the run's overrides applied."""

    temperature: float
    max_tokens: int
    top_p: float

    def as_dict(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "max_tokens": self.max_tokens, "top_p": self.top_p}


@dataclass(frozen=True)
class WorkUnit:
    task_id: str
    task_version: str
    item_id: str
    source: str
    sample_idx: int
    seed: int
    prompt: str
    messages: tuple[tuple[str, str], ...]
    settings: GenerationSettings
    answer_format: str = "text"
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> UnitKey:
        return (self.task_id, self.task_version, self.item_id, self.source, self.sample_idx)

    def chat(self) -> list[dict[str, str]]:
        return [{"role": r, "content": c} for r, c in self.messages]


def item_messages(item: ItemLike) -> tuple[tuple[str, str], ...]:
    msgs = []
    if getattr(item, "system", None):
        msgs.append(("system", str(item.system)))
    msgs.append(("user", str(item.prompt)))
    return tuple(msgs)


def item_settings(item: ItemLike, overrides: dict[str, Any]) -> GenerationSettings:
    gen = dict(getattr(item, "generation", None) or {})
    gen.update({k: v for k, v in overrides.items() if v is not None})
    return GenerationSettings(
        temperature=float(gen.get("temperature", 0.7)),
        max_tokens=int(gen.get("max_tokens", 256)),
        top_p=float(gen.get("top_p", 1.0)),
    )


def limit_per_task(items: Iterable[ItemLike], limit: int | None) -> list[ItemLike]:
    """The first ``limit`` items of each task, in suite order (like lm-eval's --limit)."""
    items = list(items)
    if limit is None:
        return items
    seen: dict[str, int] = {}
    out = []
    for it in items:
        k = seen.get(it.task_id, 0)
        if k < limit:
            out.append(it)
        seen[it.task_id] = k + 1
    return out


def expand_units(
    items: Iterable[ItemLike],
    sources: list[str],
    run_seed: int,
    *,
    n: int | None = None,
    overrides: dict[str, Any] | None = None,
    sample_count: Any = None,
) -> list[WorkUnit]:
    """items x sources x samples. ``n`` overrides each task's default sample count;
    ``sample_count(task_id, item_id, source)`` (replay) says how many answers exist."""
    overrides = overrides or {}
    units: list[WorkUnit] = []
    for item in items:
        messages = item_messages(item)
        settings = item_settings(item, overrides)
        default_n = int((getattr(item, "generation", None) or {}).get("n", 1))
        for source in sources:
            k = n
            if k is None and sample_count is not None:
                k = sample_count(item.task_id, item.item_id, source)
            if k is None:
                k = default_n
            for s in range(int(k)):
                units.append(
                    WorkUnit(
                        task_id=item.task_id,
                        task_version=str(item.task_version),
                        item_id=str(item.item_id),
                        source=source,
                        sample_idx=s,
                        seed=unit_seed(run_seed, item.task_id, str(item.item_id), s),
                        prompt=str(item.prompt),
                        messages=messages,
                        settings=settings,
                        answer_format=str(getattr(item, "answer_format", "text") or "text"),
                    )
                )
    return units
