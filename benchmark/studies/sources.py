"""Responses that go into a study: model runs and human tables, with the key columns filled.

Why: a study is built from the same response records the rest of the tool uses
(``benchmark.records.RESPONSE_COLUMNS``). Human tables must say ``source`` =
``human/<pool>`` on every row, or be given a pool: a model's output can never enter a
study as human.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmark.errors import BenchError
from benchmark.records import RESPONSE_KEY, is_human_source
from benchmark.schemas.responses import check_response_table, check_unique_key
from benchmark.studies.panel import check_human_sources, check_pool
from benchmark.tabular import read_table


def _read_responses(path: str | Path, allow_duplicates: bool = False) -> tuple[pd.DataFrame, str]:
    p = Path(path)
    if not p.exists():
        raise BenchError("no such file or folder", where=str(p), fix="check the path of the run or responses file")
    if p.is_dir():
        p = p / "responses.parquet"
        if not p.exists():
            raise BenchError("run folder has no responses.parquet", where=str(p.parent), fix="point at a finished run")
    df = read_table(p)
    if "item_id" not in df.columns and "item" in df.columns:  # `score` takes `item`: so does a study
        df = df.rename(columns={"item": "item_id"})
    missing = [c for c in ("task_id", "item_id", "text") if c not in df.columns]
    if missing:
        raise BenchError(f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, df.columns))}",
                         where=str(p), fix="responses need task_id, item_id (or item) and text")
    df = check_response_table(df, str(p), allow_duplicates=allow_duplicates)
    return df, (p.parent.name if p.name == "responses.parquet" else p.stem)


def _fill(df: pd.DataFrame, run_id: str, where: str) -> pd.DataFrame:
    """Fill optional key columns per input file (before pooling, so each file counts its own samples)."""
    df = df.copy()
    if "run_id" not in df.columns:
        df["run_id"] = run_id
    for col in ("task_id", "item_id", "source"):
        df[col] = df[col].astype(str)
    if "task_version" not in df.columns:
        versions = {t: _task_version(t) for t in df["task_id"].unique()}
        df["task_version"] = df["task_id"].map(versions)
    if "sample_idx" not in df.columns:
        df["sample_idx"] = df.groupby(["task_id", "item_id", "source"]).cumcount()
    df["sample_idx"] = df["sample_idx"].astype(int)  # checked where the file was read
    if "prompt" not in df.columns:
        df["prompt"] = None
    return df


def media_files(df: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Add ``media_file`` (absolute) for rows with ``media_path``, which is relative to the run
    folder; a path that leaves the folder or a missing file is an error naming the row (the
    files are decoded once, when a study re-encodes them)."""
    from benchmark.media.manifest import resolve_media_path
    from benchmark.media.records import has_media

    if "media_path" not in df.columns:
        return df
    p = Path(path)
    base = (p if p.is_dir() else p.parent).resolve()
    files: list[str | None] = []
    for row, rec in enumerate(df.to_dict("records"), start=1):
        if not has_media(rec):
            files.append(None)
            continue
        try:
            files.append(str(resolve_media_path(base, str(rec["media_path"]), "the run folder")))
        except ValueError as exc:
            raise BenchError(f"row {row}: {exc}", where=str(path),
                             fix="media paths are relative to the run folder, inside it; pass the whole run folder "
                                 "(responses.parquet and media/)") from None
    out = df.copy()
    out["media_file"] = files
    return out


def _task_version(task_id: str) -> str:
    try:
        from benchmark.tasks import load_task

        return str(load_task(task_id).version)
    except Exception:  # a task from elsewhere: the study still works from the responses alone
        return "unknown"


def load_sources(runs: list[str | Path] = (), humans: list[str | Path] = (), pool: str | None = None, *,
                 allow_duplicates: bool = False) -> pd.DataFrame:
    """Responses from run folders/files and human tables, pooled, with the key columns filled in.

    Rows repeated exactly in a table without ``sample_idx`` are refused unless
    ``allow_duplicates`` (then each copy is its own sample); see ``benchmark.schemas.responses``."""
    frames = []
    for path in runs:
        df, run_id = _read_responses(path, allow_duplicates)
        if "source" not in df.columns:
            raise BenchError("missing column source", where=str(path), fix="runs record the model spec in 'source'")
        frames.append(_fill(media_files(df, path), run_id, str(path)))
    for path in humans:
        df, run_id = _read_responses(path, allow_duplicates)
        df = media_files(df, path).copy()
        if "source" not in df.columns:
            if not pool:
                raise BenchError("human responses have no 'source' column", where=str(path),
                                 fix="add source=human/<pool> or pass --pool NAME")
            df["source"] = f"human/{check_pool(pool)}"
        bad = df.loc[~df["source"].astype(str).map(is_human_source), "source"]
        if len(bad):
            raise BenchError(f"{len(bad)} row(s) have a non-human source such as '{bad.iloc[0]}'", where=str(path),
                             fix="human files must use source human/<pool>; pass model runs with --run")
        check_human_sources(df["source"], str(path))  # the pool becomes a run id and a folder name
        frames.append(_fill(df, run_id, str(path)))
    if not frames:
        raise BenchError("no responses given", fix="pass --run RUN_DIR and/or --human FILE (or runs:/humans: in the config)")
    df = pd.concat(frames, ignore_index=True)
    if "error" in df.columns:
        df = df[df["error"].isna()]
    media = df["media_file"].notna() if "media_file" in df.columns else pd.Series(False, index=df.index)
    df = df[media | (df["text"].notna() & (df["text"].astype(str).str.strip() != ""))].copy()
    df["text"] = df["text"].fillna("").astype(str)  # an image or a sound may come without words
    df["task_id"] = df["task_id"].astype(str)
    df["item_id"] = df["item_id"].astype(str)
    df["source"] = df["source"].astype(str)
    df["task_version"] = df["task_version"].fillna("unknown").astype(str)
    df["sample_idx"] = df["sample_idx"].astype(int)
    check_unique_key(df, RESPONSE_KEY, None,  # across files: the same run passed twice
                     fix="give each sample its own sample_idx, or do not pass the same run twice")
    return df.reset_index(drop=True)
