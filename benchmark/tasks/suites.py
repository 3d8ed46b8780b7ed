"""Named suites (``tasks/suites.yaml``): which tasks and items a run covers, and how much.

A suite is a list of entries ``{task, items?, generation?}``; ``tasks: all`` means every
item of every task answered in text, with its default sampling. Unknown tasks, items or suite names fail
with a did-you-mean hint, and every suite is checked when the file loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmark import paths
from benchmark.errors import BenchError
from benchmark.registry import suggest
from benchmark.tasks.loader import SUITES_FILE, load_all_tasks, read_validated
from benchmark.tasks.schema import MEDIA_ANSWER_FORMATS, SuitesFile
from benchmark.tasks.task import TaskItem
from benchmark.tasks.yamlio import format_loc, line_of


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    budget_tokens: int | None
    items: list[TaskItem]

    def token_budget(self) -> int:
        """Upper bound on generated tokens: the sum of n x max_tokens over items."""
        return token_budget(self.items)


def token_budget(items: list[TaskItem]) -> int:
    return sum(int(it.generation["n"]) * int(it.generation["max_tokens"]) for it in items)


def load_suites(directory: Path | None = None) -> dict[str, Suite]:
    """Every suite in ``suites.yaml``, resolved to items (all checked against the tasks)."""
    d = Path(directory) if directory is not None else paths.tasks_dir()
    path = d / SUITES_FILE
    parsed, where, node = read_validated(path, SuitesFile, "a 'suites:' key")
    tasks = load_all_tasks(d)
    suites: dict[str, Suite] = {}
    for name, spec in parsed.suites.items():
        items: list[TaskItem] = []
        if spec.tasks == "all":  # every task a text model can answer (image and audio tasks need their own suite)
            for task in tasks.values():
                if task.answer_format not in MEDIA_ANSWER_FORMATS:
                    items.extend(task.items)
        else:
            seen: set[tuple[str, str]] = set()
            for e, entry in enumerate(spec.tasks):
                loc = ("suites", name, "tasks", e)
                at = f"{format_loc(loc)} (line {line_of(node, loc)})"
                if entry.task not in tasks:
                    raise BenchError(f"{at}: unknown task '{entry.task}'", where=where,
                                     fix=suggest(entry.task, list(tasks)))
                task = tasks[entry.task]
                chosen = task.items if entry.items is None else [
                    _item(task, item_id, where, at) for item_id in entry.items]
                override = entry.generation.model_dump()
                for it in chosen:
                    if it.key in seen:
                        raise BenchError(f"{at}: item '{it.task_id}/{it.item_id}' is listed twice in suite '{name}'",
                                         where=where)
                    seen.add(it.key)
                    items.append(it.with_generation(**override))
        suites[name] = Suite(name=name, description=spec.description.strip(),
                             budget_tokens=spec.budget_tokens, items=items)
    return suites


def _item(task, item_id: str, where: str, at: str) -> TaskItem:
    ids = task.item_ids()
    if item_id not in ids:
        raise BenchError(f"{at}: task '{task.task_id}' has no item '{item_id}'", where=where,
                         fix=suggest(item_id, ids))
    return task.item(item_id)


def suite_names(directory: Path | None = None) -> list[str]:
    return list(load_suites(directory))


def get_suite(name: str, directory: Path | None = None) -> Suite:
    suites = load_suites(directory)
    if name not in suites:
        raise BenchError(f"unknown suite '{name}'", fix=suggest(name, list(suites)))
    return suites[name]


def load_suite(name: str, directory: Path | None = None) -> list[TaskItem]:
    """The items of a named suite (smoke, core, full), with the suite's sampling overrides."""
    return get_suite(name, directory).items
