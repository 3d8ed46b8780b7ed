"""A size cap on the scoring caches: the least recently used rows go first.

Why: the embedding, word-feature, group-partition and per-row score caches
(``<cache>/embeddings/*.sqlite``) only ever grew; scoring many large data sets would
fill the disk. After each ``score_responses`` call ``enforce_cache_cap`` sums the sizes
of those files (a few ``stat`` calls, so the check is cheap); only when the total is
over the cap does it open them, find the ``used`` time (``FeatureStore``: last write or
read) below which dropping every row frees enough, and delete those rows in every file,
so eviction is least-recently-used across all the caches. It evicts down to 80% of the
cap, so the next calls do not evict again at once, then compacts the files (VACUUM).

The cap is ``CREATIVITY_BENCH_CACHE_MAX`` (e.g. ``500MB``, ``2GB``, ``1.5GiB`` or bytes;
``none`` for no cap), default ``DEFAULT_CAP`` (2 GB). A file another process holds
locked is skipped this time, never an error.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np

from benchmark.errors import BenchError

DEFAULT_CAP = 2_000_000_000  # bytes (2 GB)
LOW_WATER = 0.8  # evict down to this share of the cap
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "k": 10**3, "m": 10**6, "g": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_SIZE = re.compile(r"^\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def cache_cap(value: "str | float | None" = None) -> "int | None":
    """The cap in bytes: ``value``, else ``CREATIVITY_BENCH_CACHE_MAX``, else ``DEFAULT_CAP``; None = no cap."""
    raw = value if value is not None else os.environ.get("CREATIVITY_BENCH_CACHE_MAX")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return DEFAULT_CAP
    if isinstance(raw, (int, float)):
        return int(raw)
    if raw.strip().lower() in ("none", "off", "unlimited"):
        return None
    m = _SIZE.match(raw)
    if not m or m.group(2).lower() not in _UNITS:
        raise BenchError(f"cache size cap '{raw}' is not a size", where="CREATIVITY_BENCH_CACHE_MAX",
                         fix="write e.g. 500MB, 2GB, 1.5GiB, a number of bytes, or none")
    return int(float(m.group(1).replace("_", "")) * _UNITS[m.group(2).lower()])


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.sqlite")) if folder.is_dir() else []


def file_bytes(f: Path) -> int:
    """Bytes one cache file takes on disk, with its write-ahead log."""
    total = 0
    for p in (f, f.with_name(f.name + "-wal")):
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def cache_bytes(folder: Path) -> int:
    """Bytes the cache files take on disk, with their write-ahead logs."""
    return sum(file_bytes(f) for f in cache_files(folder))


def _tables(conn: sqlite3.Connection) -> list[str]:
    """The tables shaped as ``FeatureStore`` writes them (key, one blob, optional ``used``); any
    other table in the folder is not ours to change."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    out = []
    for t in names:
        cols = [(r[1], str(r[2]).upper()) for r in conn.execute(f"PRAGMA table_info({t})")]
        if len(cols) in (2, 3) and cols[0] == ("key", "TEXT") and cols[1][1] == "BLOB" and cols[2:] in ([], [("used", "INTEGER")]):
            out.append(t)
    return out


def enforce_cache_cap(folder: "Path | None" = None, cap: "float | str | None" = None) -> int:
    """Evict least recently used rows when the caches in ``folder`` (default
    ``<cache>/embeddings``) exceed ``cap`` (default ``cache_cap()``); returns the rows evicted."""
    from benchmark.scoring.embeddings import cache_dir
    from benchmark.scoring.text_features import add_used_column

    folder = folder or cache_dir() / "embeddings"
    limit = cache_cap(cap)
    total = cache_bytes(folder)
    if limit is None or total <= limit:
        return 0
    for f in cache_files(folder):  # first fold the write-ahead logs in: often that alone is enough
        try:
            with closing(sqlite3.connect(f, timeout=5)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
    total = cache_bytes(folder)
    if total <= limit:
        return 0
    stores = []  # (file, connection, table, used times, bytes per row)
    for f in cache_files(folder):
        conn = None
        try:
            conn = sqlite3.connect(f, timeout=5)
            size = file_bytes(f)
            tables = _tables(conn)
            if not tables:
                conn.close()
                continue
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
            rows = sum(counts.values())
            for t in tables:
                add_used_column(conn, t)
                used = np.fromiter((r[0] for r in conn.execute(f"SELECT used FROM {t}")), dtype=np.int64)
                stores.append((f, conn, t, used, size / max(rows, 1)))
        except (sqlite3.Error, OSError):  # locked by another process or unreadable: left for the next check
            stores = [st for st in stores if st[0] != f]
            if conn is not None:
                conn.close()
    if not stores:
        return 0
    # bytes that no eviction can free (a file of another shape) make the low-water mark
    # unreachable: then every row of ours goes, the nearest the cap can be met
    used = np.concatenate([s[3] for s in stores])
    weight = np.concatenate([np.full(len(s[3]), s[4]) for s in stores])
    order = np.argsort(used, kind="stable")
    freed = np.cumsum(weight[order])
    need = total - LOW_WATER * limit
    cut = int(np.searchsorted(freed, need))
    cutoff = used[order[min(cut, len(order) - 1)]] if len(order) else 0
    evicted = 0
    for f, conn, table, _, _ in stores:
        try:
            with conn:
                evicted += conn.execute(f"DELETE FROM {table} WHERE used <= ?", (int(cutoff),)).rowcount
        except sqlite3.Error:
            continue
    for conn in {id(s[1]): s[1] for s in stores}.values():
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # rows are gone; the file shrinks at a later VACUUM
        finally:
            conn.close()
    return evicted


__all__ = ["DEFAULT_CAP", "LOW_WATER", "cache_bytes", "cache_cap", "enforce_cache_cap"]
