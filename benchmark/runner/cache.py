"""An on-disk cache of generations in one SQLite file, shared by every run on a machine.

The key hashes the model identity, the messages, the sampling settings, ``sample_idx``
*and* the seed. Leaving the last two out is a known bug in other harnesses (n samples at
temperature > 0 served from the cache as one answer repeated n times); here each sample
is its own entry. Only successful generations are stored. WAL with ``synchronous=NORMAL``
keeps a commit per answer cheap while staying crash-safe for the database itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from benchmark.models.base import Generation

SCHEMA = """CREATE TABLE IF NOT EXISTS generations (
    key TEXT PRIMARY KEY, text TEXT NOT NULL, tokens INTEGER, latency_s REAL, created_at REAL NOT NULL)"""


def default_cache_dir() -> Path:
    env = os.environ.get("CREATIVITY_BENCH_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "creativity-bench"


def cache_key(model_identity: dict[str, Any], messages: list[dict[str, str]], settings: dict[str, Any],
              sample_idx: int, seed: int | None) -> str:
    payload = {"model": model_identity, "messages": messages, "settings": settings, "sample_idx": sample_idx, "seed": seed}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class GenerationCache:
    """``get``/``put`` by key; one connection used from the event loop's thread."""

    def __init__(self, directory: str | os.PathLike | None = None):
        self.dir = Path(directory) if directory else default_cache_dir()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / "generations.sqlite"
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)

    def get(self, key: str) -> Generation | None:
        row = self._db.execute("SELECT text, tokens, latency_s FROM generations WHERE key = ?", (key,)).fetchone()
        return Generation(text=row[0], tokens=row[1], latency_s=row[2]) if row else None

    def put(self, key: str, gen: Generation) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO generations (key, text, tokens, latency_s, created_at) VALUES (?, ?, ?, ?, ?)",
            (key, gen.text, gen.tokens, gen.latency_s, time.time()),
        )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM generations").fetchone()[0])

    def close(self) -> None:
        self._db.close()
