"""The records other stages use: ``TaskItem`` (one rendered prompt) and ``Task``.

They are plain frozen dataclasses (not pydantic models) so the runner, scorers and the
rating app can pass them around, copy them with ``dataclasses.replace`` and turn them
into table rows without knowing how the YAML was validated.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from benchmark.errors import BenchError
from benchmark.registry import suggest


@dataclass(frozen=True)
class TaskItem:
    """One stimulus of one task, with its prompt rendered and the task's settings."""

    task_id: str
    task_version: str
    item_id: str
    family: str
    prompt: str
    system: str | None
    item: str
    fields: dict[str, Any]
    answer_format: str
    generation: dict[str, Any]
    scorers: list[str]
    dimensions: list[dict[str, Any]]
    time_limit_s: int | None
    checklist: list[dict[str, Any]] = field(default_factory=list)  # yes/no tests for checklist studies

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.task_id, self.task_version, self.item_id)

    def messages(self) -> list[dict[str, str]]:
        """Chat messages for a backend: the optional system prompt, then the user prompt."""
        out = [{"role": "system", "content": self.system}] if self.system else []
        out.append({"role": "user", "content": self.prompt})
        return out

    def with_generation(self, **overrides: Any) -> "TaskItem":
        """A copy with some sampling settings changed (None values are ignored)."""
        gen = {**self.generation, **{k: v for k, v in overrides.items() if v is not None}}
        return dataclasses.replace(self, generation=gen)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Task:
    """A versioned task and its items (already rendered)."""

    task_id: str
    version: str
    family: str
    description: str
    prompt_template: str
    system_template: str | None
    item_label_template: str
    answer_format: str
    generation: dict[str, Any]
    scorers: list[str]
    dimensions: list[dict[str, Any]]
    time_limit_s: int | None
    items: list[TaskItem] = field(default_factory=list)
    path: str = ""
    checklist: list[dict[str, Any]] = field(default_factory=list)  # yes/no tests for checklist studies

    @property
    def id(self) -> str:
        return self.task_id

    def item_ids(self) -> list[str]:
        return [it.item_id for it in self.items]

    def item(self, item_id: str) -> TaskItem:
        for it in self.items:
            if it.item_id == item_id:
                return it
        raise BenchError(
            f"task '{self.task_id}' has no item '{item_id}'",
            where=self.path or None,
            fix=suggest(item_id, self.item_ids()),
        )
