"""Reading a media manifest: a folder of images or sounds enters the pipeline as answers.

A manifest is a CSV or JSONL table ``task_id, item, source, media_path[, text]`` (``item``
is the task item's id; ``item_id`` is accepted too; optional ``sample_idx``, ``prompt``,
``media_type``), with each ``media_path`` relative to the manifest's own folder, so a
folder of Firefly or DALL-E exports, or of artists' works, is brought in without code.

Every row is checked before anything is written anywhere, and the first problem is one
line naming the row: a path that leaves the manifest's folder (``..``, an absolute path, a
symlink out), a missing or unreadable file, a file over the size limit (refused from its
size alone, never read), or bytes that are not a complete PNG/JPEG/WebP/WAV/MP3/OGG/FLAC
(the type comes from the content, not the extension).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from benchmark.errors import BenchError
from benchmark.media.types import MediaTypeError, probe
from benchmark.schemas import validate_frame
from benchmark.tabular import read_table, table_format

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MANIFEST_FIX = "each row needs task_id, item, source and media_path (relative to the manifest's folder)"


def manifest_columns(path: str | os.PathLike) -> list[str]:
    """The column names of a table file, read from its header only (cheap on big files)."""
    p = Path(path)
    fmt = table_format(p)
    if not p.is_file():
        return []
    try:
        if fmt in ("csv", "tsv"):
            return [str(c) for c in pd.read_csv(p, nrows=0, sep="\t" if fmt == "tsv" else ",").columns]
        if fmt == "jsonl":
            with p.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        first = json.loads(line)
                        return [str(k) for k in first] if isinstance(first, dict) else []
            return []
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(p).names)
    except (ValueError, OSError, json.JSONDecodeError):
        return []  # read_table reports it properly
    return [str(c) for c in read_table(p).columns]


def is_media_manifest(path: str | os.PathLike) -> bool:
    """Whether a replay file is a media manifest (it has a ``media_path`` column)."""
    return "media_path" in manifest_columns(path)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def resolve_media_path(root: Path, rel: str, folder: str = "the manifest's folder") -> Path:
    """The existing file ``rel`` names inside ``root`` (a URL, an absolute path, a path or a
    symlink leading out of ``root``, a missing file or a folder is a ``ValueError``)."""
    if "://" in rel:
        raise ValueError(f"media_path '{rel}' is a URL; download the file next to the manifest and give its relative path")
    candidate = Path(rel)
    if candidate.is_absolute():
        raise ValueError(f"media_path '{rel}' is absolute; give it relative to {folder}")
    full = (root / candidate).resolve()  # follows symlinks, so a link pointing out is caught too
    if not full.is_relative_to(root):
        raise ValueError(f"media_path '{rel}' leaves {folder} {root}")
    if not full.exists():
        raise ValueError(f"media file '{rel}' does not exist")
    if not full.is_file():
        raise ValueError(f"media_path '{rel}' is not a file")
    return full


def check_media_file(root: Path, rel: str, max_bytes: int) -> tuple[Path, str]:
    """(resolved file, media_type) for one manifest path, or a ``ValueError`` saying why not."""
    full = resolve_media_path(root, rel)
    size = full.stat().st_size
    if size > max_bytes:
        raise ValueError(f"media file '{rel}' is {_mb(size)}, over the {_mb(max_bytes)} limit")
    if not os.access(full, os.R_OK):
        raise ValueError(f"media file '{rel}' cannot be read (permissions)")
    try:
        info = probe(full)
    except MediaTypeError as exc:
        raise ValueError(f"media file '{rel}': {exc}") from None
    except OSError as exc:
        raise ValueError(f"media file '{rel}' cannot be read: {exc.strerror or exc}") from None
    return full, info.media_type


def read_media_manifest(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES,
                        progress: bool = True) -> pd.DataFrame:
    """Validated rows: ``task_id, item_id, source, text, media_file`` (absolute), ``media_type``
    and any of ``sample_idx, prompt, latency_s, tokens`` the manifest has.

    Raises one ``BenchError`` for the first bad row (and says how many more there are).
    """
    from benchmark.schemas.media_manifest import MEDIA_MANIFEST

    p = Path(path)
    df = read_table(p)
    if "item_id" not in df.columns and "item" in df.columns:
        df = df.rename(columns={"item": "item_id"})
    missing = [c for c in ("task_id", "item_id", "source", "media_path") if c not in df.columns]
    if missing:
        raise BenchError(f"media manifest lacks column(s) {', '.join(missing)}; found {', '.join(map(str, df.columns))}",
                         where=str(p), fix=MANIFEST_FIX)
    df = validate_frame(df.reset_index(drop=True), MEDIA_MANIFEST, where=str(p), fix=MANIFEST_FIX)
    root = p.resolve().parent
    files: list[str] = []
    types: list[str] = []
    problems: list[tuple[int, str]] = []
    declared = df["media_type"] if "media_type" in df.columns else None
    rows = tqdm(df["media_path"].tolist(), desc="check media", unit="file", disable=not progress or len(df) < 50)
    for i, rel in enumerate(rows):
        try:
            full, media_type = check_media_file(root, str(rel), max_bytes)
        except ValueError as exc:
            problems.append((i, str(exc)))
            files.append("")
            types.append("")
            continue
        if declared is not None and isinstance(declared.iloc[i], str) and declared.iloc[i] != media_type:
            problems.append((i, f"media_type says {declared.iloc[i]} but '{rel}' is {media_type} (from its content)"))
        files.append(str(full))
        types.append(media_type)
    if problems:
        row, what = problems[0]
        more = f" ({len(problems) - 1} more row(s) with problems)" if len(problems) > 1 else ""
        raise BenchError(f"{what}{more}", where=f"{p}, row {row + 1}",
                         fix="fix or remove that row; nothing was imported")
    out = df.drop(columns=[c for c in ("media_path", "media_type") if c in df.columns])
    if "text" not in out.columns:
        out = out.assign(text=None)
    return out.assign(media_file=files, media_type=types)

