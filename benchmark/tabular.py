"""Reading and writing long-format tables (CSV, JSONL, Parquet) with clear errors.

Every stage that takes a file from a user goes through ``read_table`` so that a wrong
path, an unknown format or a missing column produces one line that says what and where.
Writes go through ``write_table`` which writes to a temporary file and renames it, so
an interrupted write never leaves a half-written output.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

import pandas as pd

from benchmark.errors import BenchError

FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}


def table_format(path: str | os.PathLike) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise BenchError(
            f"unknown table format '{suffix or '(none)'}'",
            where=str(path),
            fix="use a .csv, .tsv, .jsonl or .parquet file",
        )
    return FORMATS[suffix]


def read_table(path: str | os.PathLike, required: Iterable[str] = ()) -> pd.DataFrame:
    """Read CSV/TSV/JSONL/Parquet into a DataFrame; check required columns exist."""
    p = Path(path)
    fmt = table_format(p)
    if not p.exists():
        raise BenchError("file not found", where=str(p), fix="check the path")
    try:
        if fmt == "csv":
            df = pd.read_csv(p)
        elif fmt == "tsv":
            df = pd.read_csv(p, sep="\t")
        elif fmt == "jsonl":
            df = pd.read_json(p, lines=True)
        elif fmt == "json":
            df = pd.read_json(p)
        else:
            df = pd.read_parquet(p)
    except BenchError:
        raise
    except Exception as exc:  # pandas/pyarrow raise many types; the user needs one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BenchError(f"cannot read {fmt}: {first}", where=str(p), fix=f"check that it is valid {fmt}") from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise BenchError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, df.columns))}",
            where=str(p),
            fix="rename the columns or add them",
        )
    return df


def make_dir(path: str | os.PathLike) -> Path:
    """``mkdir -p`` with one clear line when a file stands where a folder must go."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocker = next((a for a in [p, *p.parents] if a.exists() and not a.is_dir()), p)
        raise BenchError(f"cannot make the folder: {blocker} is a file, not a folder", where=str(p),
                         fix="choose an output path whose folders are folders, or move the file away") from None
    except PermissionError:
        raise BenchError("no permission to create the folder", where=str(p), fix="choose a writable output path") from None
    return p


def _umask_mode() -> int:
    """The mode a plainly created file would get (mkstemp files are 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write atomically (temp file + rename) in the format given by the suffix."""
    p = Path(path)
    fmt = table_format(p)
    make_dir(p.parent)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if fmt == "csv":
            df.to_csv(tmp, index=False)
        elif fmt == "tsv":
            df.to_csv(tmp, sep="\t", index=False)
        elif fmt == "jsonl":
            df.to_json(tmp, orient="records", lines=True, force_ascii=False)
        elif fmt == "json":
            df.to_json(tmp, orient="records", force_ascii=False, indent=1)
        else:
            df.to_parquet(tmp, index=False)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return p


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    p = Path(path)
    make_dir(p.parent)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, _umask_mode())
    os.replace(tmp, p)
    return p
