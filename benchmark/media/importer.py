"""``media import``: a manifest of images or sounds becomes a complete run folder, or nothing.

Why not just ``run --model replay/MANIFEST``: that works too (and resumes), but it needs a
suite that names the manifest's items, and a half-done run folder is a normal state for
it. An import is all or nothing: every row and file is checked first (paths, sizes, types,
full decodes; ``benchmark.media.manifest``), the run is built by the ordinary runner in a
hidden folder beside the target, and only a finished, error-free folder is renamed into
place. A bad row, an unknown task item or a crash leaves no trace.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from benchmark.errors import BenchError
from benchmark.media.manifest import DEFAULT_MAX_BYTES, MANIFEST_FIX
from benchmark.tabular import read_table


def manifest_items(manifest: Path) -> list:
    """The task items a manifest answers, in file order; an unknown task or item names its row."""
    from benchmark.registry import suggest
    from benchmark.tasks import load_all_tasks

    df = read_table(manifest)
    if "item_id" not in df.columns and "item" in df.columns:
        df = df.rename(columns={"item": "item_id"})
    if "task_id" not in df.columns or "item_id" not in df.columns:
        raise BenchError("media manifest lacks task_id or item", where=str(manifest), fix=MANIFEST_FIX)
    tasks = load_all_tasks()
    items, seen = [], set()
    for row, (task_id, item_id) in enumerate(zip(df["task_id"].astype(str), df["item_id"].astype(str)), start=1):
        if (task_id, item_id) in seen:
            continue
        if task_id not in tasks:
            raise BenchError(f"unknown task '{task_id}'", where=f"{manifest}, row {row}", fix=suggest(task_id, list(tasks)))
        task = tasks[task_id]
        if item_id not in task.item_ids():
            raise BenchError(f"task '{task_id}' has no item '{item_id}'", where=f"{manifest}, row {row}",
                             fix=suggest(item_id, task.item_ids()))
        seen.add((task_id, item_id))
        items.append(task.item(item_id))
    return items


class _RecordedOnly:
    """The replay backend, except that an item a source did not answer gets no unit at all
    (not an errored one): an import holds exactly the manifest's rows."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def sample_count(self, task_id: str, item_id: str, source: str) -> int:
        return self._inner.sample_count(task_id, item_id, source) or 0


def import_manifest(manifest: str | os.PathLike, out: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES,
                    seed: int = 0, progress: bool = True):
    """Import ``manifest`` into the new run folder ``out``; returns the runner's summary."""
    from benchmark.models import get_model
    from benchmark.runner import Runner

    manifest, out = Path(manifest), Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BenchError("the run folder already exists", where=str(out), fix="give a new --out folder (an import never merges)")
    items = manifest_items(manifest)
    backend = get_model(f"replay/{manifest}", max_mb=max_bytes / 2**20)  # checks every row and file
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.importing-"))
    try:
        summary = Runner(_RecordedOnly(backend), items, staging / out.name, seed=seed, use_cache=False, progress=progress).run(close_model=True)
        if summary.errors:
            raise BenchError(f"{summary.errors} of {summary.units} answers could not be imported "
                             f"({'; '.join(summary.error_examples)})", where=str(manifest),
                             fix="every item the manifest names needs its rows; nothing was imported")
        if out.exists():
            out.rmdir()
        os.replace(staging / out.name, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.run_dir = out
    return summary
