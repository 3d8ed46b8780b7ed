"""Finding scored results on disk: for the ``leaderboard`` command and the app.

``load_results`` gathers every ``scores.parquet`` below a folder (with the source from
the run's manifest when the scores lack it); ``find_leaderboard`` is how the app finds a
written leaderboard without an environment variable: the folder it is given, then
``results/leaderboard`` and ``results`` of this checkout.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from benchmark.errors import BenchError
from benchmark.paths import REPO_ROOT


def load_results(results_dir: str | os.PathLike, *, allow_duplicates: bool = False) -> pd.DataFrame:
    """Concatenate every ``DIR/**/scores.parquet`` (adds ``run_dir``; fills ``source``
    from responses.parquet / manifest.json beside it when the scores lack it).

    Each file is checked where it is read: an unreadable file, a wrong type or an empty key,
    and a score given twice for one response and scorer (which would count twice in the
    means) are one line naming the file and row; ``allow_duplicates`` keeps repeats, each
    copy counted as its own score."""
    from benchmark.schemas import validate_frame
    from benchmark.schemas.leaderboard import SCORES
    from benchmark.schemas.responses import check_repeats
    from benchmark.tabular import read_table

    root = Path(results_dir)
    if not root.is_dir():
        raise BenchError("results folder not found", where=str(root), fix="pass the folder that holds runs/*/scores.parquet")
    files = sorted(root.rglob("scores.parquet"))
    if not files:
        raise BenchError("no scores.parquet below this folder", where=str(root), fix="run `creativity-bench score` first")
    frames = []
    for f in files:
        df = read_table(f)
        if "source" in df.columns and not df["source"].isna().all():
            df = validate_frame(df, SCORES, where=str(f), fix="rewrite it with `creativity-bench score`")
        key = [c for c in ("task_id", "task_version", "item_id", "source", "sample_idx", "scorer") if c in df.columns]
        check_repeats(df[key], str(f), allow_duplicates=allow_duplicates, how=f"(same {', '.join(key)})",
                      fix="score each response once per scorer, or pass --allow-duplicates to count each copy")
        df["run_dir"] = str(f.parent.relative_to(root))
        if "source" not in df.columns or df["source"].isna().all():
            manifest = f.parent / "manifest.json"
            src = None
            if manifest.exists():
                src = json.loads(manifest.read_text()).get("source")
            if src is None and (f.parent / "responses.parquet").exists():
                src = pd.read_parquet(f.parent / "responses.parquet", columns=["source"])["source"].iloc[0]
            df["source"] = src
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def find_leaderboard(hint: str | os.PathLike | None = None, *, fallback: bool = True) -> Path | None:
    """The first folder holding a written ``leaderboard.json``: ``hint``, ``hint/leaderboard``,
    then (with ``fallback``) this checkout's ``results/leaderboard`` and ``results``."""
    cands = []
    if hint:
        h = Path(hint)
        cands += [h, h / "leaderboard"]
    if fallback:
        cands += [REPO_ROOT / "results" / "leaderboard", REPO_ROOT / "results"]
    for c in cands:
        if (c / "leaderboard.json").is_file():
            return c
    return None


def locate_leaderboard(hint: str | os.PathLike | None = "results"):
    """What the app shows, and from where: a leaderboard written in ``hint`` (or
    ``hint/leaderboard``); else one built from the ``scores.parquet`` files below ``hint``;
    else the one published in this checkout (``results/leaderboard``, then ``results``)."""
    from benchmark.leaderboard.build import build

    found = find_leaderboard(hint, fallback=False)
    if found is not None:
        return read_leaderboard(found), str(found)
    if hint and Path(hint).is_dir() and next(Path(hint).rglob("scores.parquet"), None) is not None:
        return build(load_results(hint)), str(hint)
    found = find_leaderboard(None)
    if found is None:
        raise BenchError("no leaderboard and no scores found", where=str(hint or REPO_ROOT / "results"),
                         fix="run `creativity-bench rebuild-leaderboard --data ../shared/data` or `creativity-bench leaderboard`")
    return read_leaderboard(found), str(found)


def read_leaderboard(folder: str | os.PathLike):
    """A written leaderboard folder back as a ``Leaderboard`` (no recomputation)."""
    from benchmark.leaderboard.build import DETAIL_COLUMNS, MATRIX_COLUMNS, Leaderboard

    path = Path(folder) / "leaderboard.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        detail = pd.DataFrame(doc["detail"]).reindex(columns=DETAIL_COLUMNS)
        matrix = pd.DataFrame(doc["matrix"]).reindex(columns=MATRIX_COLUMNS)
    except (OSError, ValueError, KeyError) as exc:
        raise BenchError(f"cannot read the leaderboard: {exc}", where=str(path),
                         fix="rebuild it with `creativity-bench leaderboard` or `creativity-bench rebuild-leaderboard`") from exc
    from benchmark.schemas import validate_frame
    from benchmark.schemas.leaderboard import DETAIL, MATRIX

    fix = "rebuild it with `creativity-bench leaderboard` or `creativity-bench rebuild-leaderboard`"
    detail = validate_frame(detail, DETAIL, where=f"{path} (detail)", fix=fix)
    matrix = validate_frame(matrix, MATRIX, where=f"{path} (matrix)", fix=fix)
    detail["rank"] = detail["rank"].astype("Int64")
    return Leaderboard(detail, matrix, list(doc["tasks"]), list(doc["sources"]), dict(doc.get("settings") or {}),
                       list(doc.get("provenance") or []))


__all__ = ["find_leaderboard", "load_results", "locate_leaderboard", "read_leaderboard"]
