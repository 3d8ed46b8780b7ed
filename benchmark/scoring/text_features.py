"""Per-text word features cached on disk beside the embeddings.

Why: a re-score in a fresh process should cost little more than reading the caches.
The embeddings were already cached; the word features (is the text English, its GloVe
compositions, its word-rarity statistics) were recomputed each time, and computing them
loads wordfreq's 320k-word English list. ``TextMemo`` wraps a pure function of one text:
values live in a process dict, and ``prefetch`` pulls a batch of them from a SQLite file
(``<cache>/embeddings/text-features.sqlite``, keyed by the function's versioned ``kind``
and a hash of the exact text) in one query per 900 texts; ``flush`` writes the new ones.

A value must survive ``encode``/``decode`` unchanged (JSON by default).

Each row also keeps ``used``, when it was last written or read (microseconds since the
epoch), which ``benchmark.scoring.cache_cap`` uses to evict the least recently used rows
when the cache folder grows past its size cap. A read refreshes it only when it is older
than ``touch_every`` seconds (default a day), so a re-score stays read-only: refreshing
50k marks costs seconds (``python -m tests.perf cache_cap``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

_MEMORY_LIMIT = 500_000  # values per memo before its process dict is cleared


class FeatureStore:
    """One SQLite table ``key -> blob`` (WAL, busy timeout: safe across processes); a
    read-only or full disk degrades to no store, never to an error."""

    def __init__(self, path: Path, table: str = "feat", column: str = "val", touch_every: float = 86_400.0):
        self.path = path
        self.touch_every = touch_every
        self.table, self.column = table, column
        self._conn: sqlite3.Connection | None = None
        self._ok = True
        self._lock = threading.Lock()

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None and self._ok:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (key TEXT PRIMARY KEY, {self.column} BLOB NOT NULL,"
                             " used INTEGER NOT NULL DEFAULT 0)")
                add_used_column(conn, self.table)
                self._conn = conn
            except (sqlite3.Error, OSError):
                self._ok = False  # a read-only cache folder degrades to the process dict
        return self._conn

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        conn = self._db()
        found: dict[str, bytes] = {}
        if conn is None or not keys:
            return found
        with self._lock:
            try:
                for i in range(0, len(keys), 900):  # SQLite's parameter limit
                    chunk = keys[i:i + 900]
                    q = f"SELECT key, {self.column}, used FROM {self.table} WHERE key IN ({','.join('?' * len(chunk))})"
                    now = now_us()
                    stale_before = now - int(self.touch_every * 1e6)
                    rows = conn.execute(q, chunk).fetchall()
                    if not rows:
                        continue
                    got, blobs, used = zip(*rows)  # C-speed: a warm read stays as cheap as before the marks
                    found.update(zip(got, blobs))
                    if min(used) < stale_before:
                        # refresh ``used`` only where it is stale: a warm re-read writes nothing
                        stale = [k for k, u in zip(got, used) if u < stale_before]
                        self._touch(conn, stale, now)
            except sqlite3.Error:
                self._ok = False
        return found

    def _touch(self, conn: sqlite3.Connection, keys: list[str], now: int) -> None:
        try:
            with conn:
                conn.execute(f"UPDATE {self.table} SET used = ? WHERE key IN ({','.join('?' * len(keys))})", [now, *keys])
        except sqlite3.Error:
            pass  # a read-only cache still serves reads; its rows just keep their old ``used``

    def put_many(self, rows: list[tuple[str, bytes]]) -> None:
        conn = self._db()
        if conn is None or not rows:
            return
        with self._lock:
            try:
                with conn:
                    now = now_us()
                    conn.executemany(f"INSERT OR IGNORE INTO {self.table} (key, {self.column}, used) VALUES (?, ?, ?)",
                                     [(k, v, now) for k, v in rows])
            except sqlite3.Error:
                self._ok = False


_CLOCK = [0]


def now_us() -> int:
    """Microseconds since the epoch, strictly increasing within the process (an order for LRU)."""
    _CLOCK[0] = max(time.time_ns() // 1000, _CLOCK[0] + 1)
    return _CLOCK[0]


def add_used_column(conn: sqlite3.Connection, table: str) -> None:
    """Give a table written before the size cap its ``used`` column (old rows count as least recent)."""
    if "used" not in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
        with conn:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN used INTEGER NOT NULL DEFAULT 0")


_STORES: dict[str, FeatureStore] = {}


def feature_store(name: str = "text-features") -> FeatureStore:
    """The store ``<cache>/embeddings/<name>.sqlite`` (``CREATIVITY_BENCH_CACHE`` is read each time)."""
    from benchmark.scoring.embeddings import cache_dir

    path = cache_dir() / "embeddings" / f"{name}.sqlite"
    store = _STORES.get(str(path))
    if store is None:
        store = _STORES[str(path)] = FeatureStore(path)
    return store


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def _json_value(blob: bytes) -> Any:
    return json.loads(blob)


def optional_str_bytes(value: "str | None") -> bytes:
    """None -> b"", a string -> b"s" + UTF-8 (cheaper than JSON for the common values)."""
    return b"" if value is None else b"s" + value.encode("utf-8")


def optional_str_value(blob: bytes) -> "str | None":
    return None if not blob else bytes(blob[1:]).decode("utf-8")


def floats_bytes(value: "list[float] | float | None") -> bytes:
    """None -> b"", a float or a list of floats -> float64 bytes (a scalar is marked)."""
    if value is None:
        return b""
    if isinstance(value, (int, float)):
        return b"f" + struct.pack("<d", float(value))
    return b"l" + struct.pack(f"<{len(value)}d", *value)


def floats_value(blob: bytes) -> "list[float] | float | None":
    if not blob:
        return None
    body = bytes(blob[1:])
    vals = list(struct.unpack(f"<{len(body) // 8}d", body))
    return vals[0] if blob[:1] == b"f" else vals


class TextMemo:
    """``memo(text)`` = ``fn(text)``, remembered in the process and (after ``flush``) on disk."""

    def __init__(self, kind: str, fn: Callable[[str], Any], *, encode: Callable[[Any], bytes] = _json_bytes,
                 decode: Callable[[bytes], Any] = _json_value):
        self.kind = kind
        self.fn = fn
        self.encode = encode
        self.decode = decode
        self.memory: dict[str, Any] = {}
        self._pending: dict[str, Any] = {}

    def key(self, text: str) -> str:
        return hashlib.blake2b(f"{self.kind}\x00{text}".encode("utf-8"), digest_size=16).hexdigest()

    def __call__(self, text: str) -> Any:
        try:
            return self.memory[text]
        except KeyError:
            pass
        value = self.fn(text)
        if len(self.memory) > _MEMORY_LIMIT:
            self.memory.clear()
        self.memory[text] = value
        self._pending[text] = value
        return value

    def prefetch(self, texts: Iterable[Any]) -> None:
        """Load the disk values of the texts not yet in memory (one query per 900)."""
        todo = [t for t in dict.fromkeys(t for t in texts if isinstance(t, str)) if t not in self.memory]
        if not todo:
            return
        keys = [self.key(t) for t in todo]
        found = feature_store().get_many(keys)
        for t, k in zip(todo, keys):
            blob = found.get(k)
            if blob is not None:
                try:
                    self.memory[t] = self.decode(blob)
                except (ValueError, TypeError, struct.error):  # a damaged entry is computed again
                    continue

    def flush(self) -> None:
        """Write the values computed since the last flush."""
        if self._pending:
            rows = [(self.key(t), self.encode(v)) for t, v in self._pending.items()]
            self._pending = {}
            feature_store().put_many(rows)

    def cache_clear(self) -> None:
        self.memory.clear()
        self._pending.clear()


__all__ = ["FeatureStore", "TextMemo", "feature_store", "floats_bytes", "floats_value", "optional_str_bytes",
           "optional_str_value"]
