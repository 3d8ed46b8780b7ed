"""`creativity-bench tasks list|show`: see what a suite contains before spending compute on it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

tasks_app = typer.Typer(help="List and inspect the task suite (tasks/*.yaml).", no_args_is_help=True)


def _gen(gen: dict) -> str:
    return f"n={gen['n']} T={gen['temperature']} max_tokens={gen['max_tokens']} top_p={gen['top_p']}"


@tasks_app.command("list")
def list_tasks(
    suite: Optional[str] = typer.Option(None, "--suite", "-s", help="Only the tasks of this suite (smoke, core, full)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (one object per task or suite item) for scripts."),
) -> None:
    """One row per task: id, version, family, items, answer format, scorers."""
    from rich.console import Console
    from rich.table import Table

    from benchmark.tasks import get_suite, load_all_tasks

    tasks = load_all_tasks()
    if as_json:
        import json

        if suite is None:
            rows = [{"task_id": t.task_id, "version": t.version, "family": t.family, "items": len(t.items),
                     "answer_format": t.answer_format, "scorers": t.scorers, "generation": t.generation}
                    for t in tasks.values()]
        else:
            rows = [{"task_id": it.task_id, "task_version": it.task_version, "item_id": it.item_id,
                     "item": it.item, "generation": it.generation} for it in get_suite(suite).items]
        typer.echo(json.dumps(rows, indent=1))
        return
    console = Console()
    if suite is None:
        table = Table(title=f"{len(tasks)} tasks")
        for col in ("task", "version", "family", "items", "answer", "scorers"):
            table.add_column(col, overflow="fold")
        for t in tasks.values():
            table.add_row(t.task_id, t.version, t.family, str(len(t.items)), t.answer_format, ", ".join(t.scorers))
        console.print(table)
        return
    s = get_suite(suite)
    rows: dict[str, list] = {}
    for it in s.items:
        rows.setdefault(it.task_id, []).append(it)
    table = Table(title=f"suite '{s.name}': {len(s.items)} items, "
                        f"{sum(it.generation['n'] for it in s.items)} samples")
    for col in ("task", "version", "items", "n", "max_tokens", "T", "samples", "tokens <="):
        table.add_column(col, overflow="fold")
    for task_id, items in rows.items():
        first = items[0]
        samples = sum(it.generation["n"] for it in items)
        budget = sum(it.generation["n"] * it.generation["max_tokens"] for it in items)
        g = first.generation
        table.add_row(task_id, first.task_version, f"{len(items)}/{len(tasks[task_id].items)}", str(g["n"]),
                      str(g["max_tokens"]), str(g["temperature"]), str(samples), f"{budget:,}")
    console.print(table)
    bound = f" (documented bound {s.budget_tokens:,})" if s.budget_tokens else ""
    console.print(f"generated tokens at most {s.token_budget():,}{bound}")
    if s.description:
        console.print(s.description)


@tasks_app.command("show")
def show_task(
    task: str = typer.Argument(..., help="Task id, e.g. aut"),
    items: int = typer.Option(3, "--items", "-n", min=0, help="How many items to render."),
) -> None:
    """A task's fields, sampling defaults, rating dimensions and its first rendered prompts."""
    from rich.console import Console
    from rich.panel import Panel
    from rich.text import Text

    from benchmark.tasks import load_task

    t = load_task(task)
    console = Console()
    console.print(f"[bold]{t.task_id}[/bold] v{t.version} ({t.family}) from {t.path}")
    console.print(t.description)
    console.print(f"answer format: {t.answer_format}   time limit (humans): "
                  f"{f'{t.time_limit_s} s' if t.time_limit_s else '-'}")
    console.print(f"generation: {_gen(t.generation)}")
    console.print(f"scorers: {', '.join(t.scorers)}")
    fields = sorted({k for it in t.items for k in it.fields})
    console.print(f"item fields: {', '.join(fields) or '-'}   items ({len(t.items)}): {', '.join(t.item_ids())}")
    if t.dimensions:
        console.print("rating dimensions:")
        for d in t.dimensions:
            anchors = "; ".join(f"{k}={v}" for k, v in sorted(d["anchors"].items()))
            console.print(f"  {d['name']} ({d['scale'][0]}-{d['scale'][1]}): {anchors}", markup=False)
    else:
        console.print("rating dimensions: none (scored automatically)")
    for it in t.items[:items]:
        body = (f"[system] {it.system}\n\n" if it.system else "") + it.prompt
        title = Text(f"{it.item_id}: {it.item}" if it.item else it.item_id)
        console.print(Panel(Text(body), title=title, expand=False))


@tasks_app.command("validate")
def validate(
    directory: Optional[Path] = typer.Argument(None, help="Tasks folder (default: tasks/ or CREATIVITY_BENCH_TASKS)."),
) -> None:
    """Check every task file and suites.yaml (schema, ids, templates, suites); one line either way."""
    from benchmark.tasks import load_all_tasks, load_suites

    tasks = load_all_tasks(directory)
    suites = load_suites(directory)
    n_items = sum(len(t.items) for t in tasks.values())
    typer.echo(f"ok: {len(tasks)} tasks, {n_items} items, suites: {', '.join(suites)}")


def register(app: typer.Typer) -> None:
    """Add `tasks list|show` to the top-level app."""
    app.add_typer(tasks_app, name="tasks")
