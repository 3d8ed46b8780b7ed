"""Loading ``tasks/*.yaml`` into ``Task`` objects, failing early with file, field, reason.

Everything a run will need is checked here, once, before any model is called: the
schema (pydantic), duplicate ids across files, scorer names, template syntax and that
every field a template reads exists on every item.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jinja2
import pydantic
import yaml

from benchmark import paths
from benchmark.errors import BenchError
from benchmark.registry import suggest
from benchmark.tasks import render as rnd
from benchmark.tasks.schema import FAMILIES, KNOWN_SCORERS, TaskFile, TaskSpec
from benchmark.tasks.task import Task, TaskItem
from benchmark.tasks.yamlio import display_path, format_loc, line_of, read_yaml

SUITES_FILE = "suites.yaml"
# item fields that replace a task template for that item (text used verbatim)
OWN_TEXT = {"prompt": "prompt", "system": "system", "item_label": "label"}
_CACHE: dict[tuple, dict[str, Task]] = {}


def task_files(directory: Path | None = None) -> list[Path]:
    """Every family file in the tasks folder (``suites.yaml`` and ``norms/`` excluded)."""
    d = Path(directory) if directory is not None else paths.tasks_dir()
    if not d.is_dir():
        raise BenchError("tasks folder not found", where=str(d),
                         fix="run from the repository root or set CREATIVITY_BENCH_TASKS")
    files = sorted(p for p in d.iterdir()
                   if p.suffix in (".yaml", ".yml") and p.name not in (SUITES_FILE, "suites.yml"))
    if not files:
        raise BenchError("no task files (*.yaml) in the tasks folder", where=str(d))
    return files


def validation_error(where: str, exc: pydantic.ValidationError, node: yaml.Node | None,
                     prefix: tuple = ()) -> BenchError:
    """The first pydantic error as one line: ``file: field.path (line N): reason``."""
    errors = exc.errors()
    err = errors[0]
    loc = tuple(prefix) + tuple(err["loc"])
    line = line_of(node, loc)
    field_path = format_loc(loc) or "(top level)"
    msg = err["msg"].removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    at = f" (line {line})" if line else ""
    return BenchError(f"{field_path}{at}: {msg}{more}", where=where)


def read_validated(path: Path, model: type[pydantic.BaseModel], expected: str) -> tuple[Any, str, yaml.Node | None]:
    """Read a YAML file and validate it against ``model``: (parsed, display path, node)."""
    where = display_path(path)
    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise BenchError(f"expected a mapping with {expected} at the top", where=where)
    try:
        return model.model_validate(data), where, node
    except pydantic.ValidationError as exc:
        raise validation_error(where, exc, node) from None


def _registered_scorers() -> set[str]:
    # only consult the scorer registry if something already imported it: importing
    # benchmark.scoring here could pull heavy models into a plain `tasks list`
    base = sys.modules.get("benchmark.scoring.base")
    return set(base.scorers.names()) if base is not None else set()


def _check_task(spec: TaskSpec, t: int, where: str, node: yaml.Node | None) -> None:
    def fail(loc: tuple, what: str, fix: str | None = None) -> BenchError:
        line = line_of(node, ("tasks", t) + loc)
        return BenchError(f"{format_loc(('tasks', t) + loc)} (line {line}): {what}", where=where, fix=fix)

    first: dict[str, int] = {}
    for i, item in enumerate(spec.items):
        if item.id in first:
            raise fail(("items", i, "id"), f"duplicate item id '{item.id}' (first at items[{first[item.id]}])",
                       "item ids must be unique within a task")
        first[item.id] = i
        clash = sorted(set(item.fields()) & rnd.BUILTIN_NAMES)
        if clash:
            raise fail(("items", i, clash[0]), f"'{clash[0]}' is a reserved name (set by the loader)",
                       "rename the field")
    allowed = set(KNOWN_SCORERS) | _registered_scorers()
    for s, name in enumerate(spec.scorers):
        if name not in allowed:
            raise fail(("scorers", s), f"unknown scorer '{name}'", suggest(name, sorted(allowed)))
    templates = {"prompt": spec.prompt, "system": spec.system, "item_label": spec.item_label}
    for key, source in templates.items():
        if not source:
            continue
        try:
            rnd.compile_template(source)
            needed = rnd.template_fields(source) - rnd.BUILTIN_NAMES
        except jinja2.TemplateError as exc:
            lineno = getattr(exc, "lineno", None)
            raise fail((key,), f"template error{f' on template line {lineno}' if lineno else ''}: {exc.message}",
                       "check the Jinja2 syntax ({{ field }}, {% if %} ... {% endif %})") from None
        for i, item in enumerate(spec.items):
            if key in OWN_TEXT and OWN_TEXT[key] in item.fields():
                continue  # the item gives this text itself (a published prompt, verbatim)
            missing = sorted(needed - set(item.fields()))
            if missing:
                have = ", ".join(sorted(item.fields())) or "none"
                raise fail(("items", i), f"{key} template uses field(s) {missing} that item '{item.id}' "
                           f"does not have (its fields: {have})",
                           "add the field to the item or fix the template")


def build_task(spec: TaskSpec, path: str = "") -> Task:
    """Render every item of a validated spec into a ``Task``."""
    gen = spec.generation.model_dump()
    dims = [d.model_dump() for d in spec.dimensions]
    task = Task(
        task_id=spec.id, version=spec.version, family=spec.family, description=spec.description.strip(),
        prompt_template=spec.prompt, system_template=spec.system, item_label_template=spec.item_label,
        answer_format=spec.answer_format, generation=gen, scorers=list(spec.scorers), dimensions=dims,
        time_limit_s=spec.time_limit_s, items=[], path=path,
        checklist=[c.model_dump() for c in spec.checklist],
    )
    task.items.extend(make_item(task, item.id, item.fields()) for item in spec.items)
    return task


def make_item(task: Task, item_id: str, fields: dict[str, Any]) -> TaskItem:
    """Render one item of ``task`` from its fields (also used for published item sets)."""
    ctx = {**fields, "item_id": item_id, "task_id": task.task_id}
    try:
        # an item may give its own prompt, system prompt and label, used verbatim (no
        # template): how a published prompt is asked exactly as the study asked it
        prompt = str(fields["prompt"]).strip() if "prompt" in fields else rnd.render(task.prompt_template, ctx)
        if "system" in fields:
            system = str(fields["system"] or "").strip() or None
        else:
            system = rnd.render(task.system_template, ctx) if task.system_template else None
        if "label" in fields:
            label = str(fields["label"]).strip()
        else:
            label = rnd.render(task.item_label_template, ctx) if task.item_label_template else ""
    except jinja2.TemplateError as exc:
        raise BenchError(f"task '{task.task_id}' item '{item_id}': cannot render: {exc}",
                         where=task.path or None, fix="check the item's fields against the template") from None
    return TaskItem(
        task_id=task.task_id, task_version=task.version, item_id=item_id, family=task.family,
        prompt=prompt, system=system, item=label, fields=dict(fields), answer_format=task.answer_format,
        generation=dict(task.generation), scorers=list(task.scorers),
        dimensions=[dict(d) for d in task.dimensions], time_limit_s=task.time_limit_s,
        checklist=[dict(c) for c in task.checklist],
    )


def _load_file(path: Path) -> tuple[list[Task], yaml.Node | None]:
    parsed, where, node = read_validated(path, TaskFile, "a 'tasks:' list")
    for t, spec in enumerate(parsed.tasks):
        _check_task(spec, t, where, node)
    return [build_task(spec, where) for spec in parsed.tasks], node


def load_task_file(path: Path) -> list[Task]:
    """Validate one family file and return its tasks."""
    return _load_file(Path(path))[0]


def _signature(directory: Path) -> tuple:
    files = task_files(directory)
    return (str(directory.resolve()),) + tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def load_all_tasks(directory: Path | None = None) -> dict[str, Task]:
    """Every task of every family file, by id (cached until a file changes)."""
    d = Path(directory) if directory is not None else paths.tasks_dir()
    sig = _signature(d)
    if sig in _CACHE:
        return dict(_CACHE[sig])  # a copy: callers may filter it without touching the cache
    tasks: dict[str, Task] = {}
    for path in task_files(d):
        file_tasks, node = _load_file(path)
        for t, task in enumerate(file_tasks):
            if task.task_id in tasks:
                raise BenchError(f"tasks[{t}].id (line {line_of(node, ('tasks', t, 'id'))}): duplicate task id "
                                 f"'{task.task_id}' (also in {tasks[task.task_id].path})",
                                 where=display_path(path), fix="task ids must be unique across all task files")
            tasks[task.task_id] = task
    # a stable, readable order: by family (divergent first), then file order
    order = {f: i for i, f in enumerate(FAMILIES)}
    tasks = dict(sorted(tasks.items(), key=lambda kv: order[kv[1].family]))
    _CACHE.clear()
    _CACHE[sig] = tasks
    return dict(tasks)


def load_task(task_id: str, directory: Path | None = None) -> Task:
    tasks = load_all_tasks(directory)
    if task_id not in tasks:
        raise BenchError(f"unknown task '{task_id}'", fix=suggest(task_id, list(tasks)))
    return tasks[task_id]


def get_item(task_id: str, item_id: str, directory: Path | None = None) -> TaskItem:
    return load_task(task_id, directory).item(item_id)
