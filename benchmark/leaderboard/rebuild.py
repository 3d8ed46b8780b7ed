"""Rebuild the published leaderboard: published answers + published runs -> ``results/leaderboard/``.

Why one command: the published figures must be reproducible by anyone with the shared
data, byte for byte with the same seed. The steps:

1. every published source (``benchmark.sources``) becomes a replay file and goes through
   the runner as ``replay/FILE``, so its responses have the same keys and manifest as a
   live run;
2. every response, published or from a published model run (``PUBLISHED_RUNS``), is
   scored with the same declared scorers (``catalog.TASK_SCORERS``);
3. the leaderboard is built and written (``write_leaderboard``) with a ``manifest.json``
   that records the seed, the scorers and their versions, the data files and the runs.

The texts never reach the output folder: replay files, run folders and scores live in
the working folder (``<out>/cache/``, git-ignored). Scores are cached there under a key
of the responses, the scorer names and the scoring code, so a warm rebuild only rebuilds
the tables; the sentence-embedding cache on disk makes a cold one cheaper too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from benchmark.errors import BenchError
from benchmark.leaderboard import catalog
from benchmark.paths import REPO_ROOT

PUBLISHED_RUNS = ("results/smollm2-core/runs/llamacpp-smollm2-core", "results/gemma3-270m-core/runs/llamacpp-gemma3-270m-core")
IDEA_SCORERS = ("originality", "semdis_minilm", "semdis_glove")  # what means something for one idea
SINGLE_IDEA_NOTE = "answers are single ideas (one person, one use), so list scorers do not apply"
PACKAGES = ("numpy", "pandas", "scipy", "matplotlib", "sentence-transformers", "torch", "jinja2")


@dataclass
class RebuildResult:
    out_dir: Path
    files: dict[str, Path]
    sources: list[str]
    responses: int
    scored_fresh: int = 0  # score tables computed now (the rest came from the cache)
    provenance: list[dict[str, Any]] = field(default_factory=list)


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
        h.update(b"\0")
    return h.hexdigest()[:16]


def _frame_digest(df: pd.DataFrame, cols: Iterable[str]) -> bytes:
    use = [c for c in cols if c in df.columns]
    return df[use].to_csv(index=False).encode()


def scoring_code_digest() -> str:
    """A digest of the scoring code and shipped parameters: a changed scorer is never served stale scores."""
    root = REPO_ROOT / "benchmark" / "scoring"
    parts = [p.relative_to(root).as_posix().encode() + p.read_bytes()
             for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".py", ".npz", ".json")]
    norms = REPO_ROOT / "tasks" / "norms"
    parts += [p.name.encode() + p.read_bytes() for p in sorted(norms.glob("*.json"))]
    return _sha(*parts)


def scorer_names(task_id: str, unit: str = "response") -> tuple[str, ...]:
    names = catalog.TASK_SCORERS.get(task_id, ())
    return tuple(n for n in names if n in IDEA_SCORERS) if unit == "idea" else names


def score_cached(responses: pd.DataFrame, cache: Path, label: str, unit: str = "response",
                 progress: bool = True) -> tuple[pd.DataFrame, bool]:
    """Score each task with its declared scorers; reuse the cached table when nothing changed."""
    from benchmark.scoring import score_responses

    key = _sha(_frame_digest(responses, ["task_id", "task_version", "item_id", "source", "sample_idx", "text", "item"]),
               json.dumps({t: scorer_names(t, unit) for t in sorted(responses["task_id"].unique())}).encode(),
               scoring_code_digest().encode())
    path = cache / f"{label}-{key}.parquet"
    if path.is_file():
        return pd.read_parquet(path), False
    parts = []
    for task, g in responses.groupby("task_id", sort=True):
        names = scorer_names(str(task), unit)
        if names:
            parts.append(score_responses(g.reset_index(drop=True), list(names), progress=progress, where=label))
    scores = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    from benchmark.tabular import write_table

    write_table(scores, path)
    return scores, True


def _items_for(rows: pd.DataFrame) -> list[Any]:
    """The task items a source answered: suite items, or the published writing prompts."""
    import dataclasses

    from benchmark.sources import WRITING_ITEMS
    from benchmark.tasks import load_task

    published = {(w.task_id, w.item_id): w for w in WRITING_ITEMS}
    items = []
    for (task_id, item_id), _ in rows.groupby(["task_id", "item_id"], sort=True):
        task = load_task(str(task_id))
        if item_id in task.item_ids():
            items.append(task.item(str(item_id)))
            continue
        w = published.get((task_id, item_id))
        if w is None:
            raise BenchError(f"no task item for {task_id}/{item_id}", fix="declare it in benchmark/sources/published.py")
        items.append(dataclasses.replace(task.items[0], item_id=w.item_id, prompt=w.prompt, system=None, item=w.stimulus,
                                         fields={"published_prompt": w.prompt}))
    return items


def _replay(src: Any, work: Path, seed: int, progress: bool) -> pd.DataFrame:
    """Run one published source through ``replay/FILE``; its responses (with the stimulus)."""
    from benchmark.runner import run_suite
    from benchmark.tabular import write_table

    rows = src.rows
    slug = src.source.replace("/", "-")
    digest = _sha(_frame_digest(rows, ["task_id", "item_id", "source", "sample_idx", "text", "prompt"]))
    replay = write_table(rows.drop(columns=["item"], errors="ignore"), work / "replay" / f"{slug}-{digest}.parquet")
    summary = run_suite(f"replay/{replay}", out=work / "runs" / f"{slug}-{digest}", items=_items_for(rows),
                        seed=seed, progress=progress)
    if summary.errors:
        raise BenchError(f"{summary.errors} replayed answers failed for {src.source}", where=str(summary.run_dir))
    responses = pd.read_parquet(summary.responses_path)
    if "item" in rows.columns:  # the published prompts' stimulus, for semantic distance
        stim = rows.dropna(subset=["item"]).drop_duplicates(["task_id", "item_id"]).set_index(["task_id", "item_id"])["item"]
        responses["item"] = [stim.get((t, i)) for t, i in zip(responses["task_id"], responses["item_id"])]
    return responses


def _run_provenance(run_dir: Path, responses: pd.DataFrame) -> dict[str, Any]:
    manifest = json.loads((run_dir / "manifest.json").read_text()) if (run_dir / "manifest.json").is_file() else {}
    backend = {k: v for k, v in (manifest.get("backend") or {}).items() if k not in ("model_path",)}
    source = str(responses["source"].iloc[0])
    mode = backend.get("mode", "chat")
    rel = run_dir.resolve().relative_to(REPO_ROOT) if run_dir.resolve().is_relative_to(REPO_ROOT) else run_dir
    return {"source": source, "label": catalog.source_label(source), "kind": "model run",
            "what": f"{manifest.get('model', source)} run {manifest.get('run_id', run_dir.name)}, seed {manifest.get('seed')}, "
                    f"{mode} mode, {len(responses)} answers",
            "data": str(rel), "tasks": {str(k): int(v) for k, v in responses.groupby("task_id").size().items()},
            "run_created_at": manifest.get("created_at"), "backend": backend}


def _package_versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for name in PACKAGES:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "absent"
    return out


def rebuild(data_dir: str | Path, out_dir: str | Path = REPO_ROOT / "results" / "leaderboard", *,
            runs: Iterable[str | Path] = PUBLISHED_RUNS, work_dir: str | Path | None = None, seed: int = 0,
            n_boot: int = 1000, per_item: int | None = None, only: Iterable[str] | None = None,
            progress: bool = True) -> RebuildResult:
    """Rebuild the published leaderboard (see the module docstring)."""
    from tqdm.auto import tqdm

    from benchmark.leaderboard.build import build
    from benchmark.leaderboard.write import write_leaderboard
    from benchmark.sources import published_sources, subset
    from benchmark.tabular import write_text_atomic

    data = Path(data_dir)
    if not data.is_dir():
        raise BenchError("shared data folder not found", where=str(data), fix="pass --data ../shared/data")
    out = Path(out_dir)
    work = Path(work_dir) if work_dir is not None else out / "cache"
    wanted = set(only) if only else None
    sources = [s for s in published_sources(data) if wanted is None or s.source in wanted]
    all_scores, provenance, notes, units = [], [], {}, {}
    fresh = n_responses = 0
    for src in tqdm(sources, desc="published sources", disable=not progress):
        src.rows = subset(src.rows, per_item, seed)
        responses = _replay(src, work, seed, progress=False)
        scores, new = score_cached(responses, work / "scores", src.source.replace("/", "-"), src.unit, progress)
        fresh += int(new)
        n_responses += len(responses)
        all_scores.append(scores)
        if src.unit == "idea":
            notes[src.source], units[src.source] = SINGLE_IDEA_NOTE, "idea"
        for p in src.provenance:
            provenance.append({"source": src.source, "label": catalog.source_label(src.source), "kind": "published answers",
                               "what": p["how"], "data": p["citation"], "unit": src.unit,
                               "tasks": {k: int(v) for k, v in src.rows.groupby("task_id").size().items() if k in p["tasks"]},
                               "files": p["data"], "licence": p.get("licence"),
                               **({"temperatures": p["temperatures"]} if p.get("temperatures") else {}),
                               **({"prompts": p["prompts"]} if p.get("prompts") else {})})
    for run in [Path(r) if Path(r).is_absolute() else REPO_ROOT / r for r in runs]:
        if not (run / "responses.parquet").is_file():
            raise BenchError("published run not found", where=str(run), fix="pass --run RUN_DIR for each published run")
        responses = pd.read_parquet(run / "responses.parquet")
        responses = responses[responses["error"].isna()] if "error" in responses.columns else responses
        if per_item is not None:
            responses = responses[responses["sample_idx"] < per_item]
        if wanted is not None and not set(responses["source"]) & wanted:
            continue
        scores, new = score_cached(responses.reset_index(drop=True), work / "scores", run.name, progress=progress)
        fresh += int(new)
        n_responses += len(responses)
        all_scores.append(scores)
        provenance.append(_run_provenance(run, responses))
    if not all_scores:
        raise BenchError("nothing to rebuild from", fix="check --only and --run")
    scores = pd.concat(all_scores, ignore_index=True)
    board = build(scores, n_boot=n_boot, seed=seed, source_notes=notes, source_units=units, provenance=provenance)
    files = write_leaderboard(board, out)
    manifest = {
        "command": "creativity-bench rebuild-leaderboard --data DATA" + (f" --per-item {per_item}" if per_item else "")
                   + (f" --seed {seed}" if seed else ""),
        "seed": seed, "n_boot": n_boot, "per_item": per_item, "responses": n_responses,
        "scorers": {t: list(v) for t, v in sorted(catalog.TASK_SCORERS.items())},
        "scorer_versions": {s: sorted(g["scorer_version"].astype(str).unique()) for s, g in scores.groupby("scorer")},
        "scoring_code_sha256_16": scoring_code_digest(), "packages": _package_versions(),
        "sources": [{k: p[k] for k in ("source", "kind", "data") if k in p} for p in provenance],
    }
    from benchmark.leaderboard.render import front_page_table

    # the README's matrix, ready to paste (tests/analysis/test_leaderboard_published.py checks the README holds it)
    files["front_page.md"] = write_text_atomic(out / "front_page.md", front_page_table(board) + "\n")
    files["manifest.json"] = write_text_atomic(out / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return RebuildResult(out, files, board.sources, n_responses, fresh, provenance)


__all__ = ["PUBLISHED_RUNS", "RebuildResult", "rebuild", "score_cached", "scoring_code_digest"]
