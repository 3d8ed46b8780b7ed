"""The run folder's result log: one JSON line per finished unit, appended as it finishes.

Each line is flushed to the operating system at once, so Ctrl-C, ``kill -9`` or a dead
server lose nothing already finished; ``fsync`` to disk follows at most every
``fsync_interval_s`` (and on close), which bounds what a power cut could lose without
paying a disk sync per answer. A line cut short by a kill is dropped on the next open.
Reading keeps, per unit key, the first successful record (a finished unit is never
replaced) or else the latest error; ``write_parquet`` consolidates that into
``responses.parquet`` atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from benchmark.records import MEDIA_COLUMNS, RESPONSE_COLUMNS
from benchmark.runner.units import UnitKey

LOG_NAME = "responses.jsonl"
PARQUET_NAME = "responses.parquet"

SCHEMA = pa.schema([
    ("run_id", pa.string()), ("task_id", pa.string()), ("task_version", pa.string()), ("item_id", pa.string()),
    ("source", pa.string()), ("sample_idx", pa.int64()), ("seed", pa.int64()), ("prompt", pa.string()),
    ("text", pa.string()), ("ideas", pa.list_(pa.string())), ("latency_s", pa.float64()), ("tokens", pa.int64()),
    ("error", pa.string()), ("created_at", pa.string()),
])
assert SCHEMA.names == RESPONSE_COLUMNS
# Runs with images or sounds get two more columns; text-only runs keep the schema above.
MEDIA_SCHEMA = pa.schema(list(SCHEMA) + [(c, pa.string()) for c in MEDIA_COLUMNS])


def record_key(rec: dict[str, Any]) -> UnitKey:
    return (str(rec["task_id"]), str(rec["task_version"]), str(rec["item_id"]), str(rec["source"]), int(rec["sample_idx"]))


def is_ok(rec: dict[str, Any] | None) -> bool:
    return rec is not None and not rec.get("error")


class ResultLog:
    """Append-only JSONL of unit records in the run folder."""

    def __init__(self, run_dir: str | os.PathLike, fsync_interval_s: float = 1.0):
        self.dir = Path(run_dir)
        self.path = self.dir / LOG_NAME
        self.fsync_interval_s = fsync_interval_s
        self._fh: Any = None
        self._last_sync = 0.0
        self.appended = 0

    def read(self) -> dict[UnitKey, dict[str, Any]]:
        """Current state per key: first ok record, else the latest error."""
        state: dict[UnitKey, dict[str, Any]] = {}
        if not self.path.exists():
            return state
        with self.path.open("rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # cut short by a kill; open() trims it before appending
                try:
                    rec = json.loads(raw)
                except json.JSONDecodeError:
                    continue
                key = record_key(rec)
                if not is_ok(state.get(key)):
                    state[key] = rec
        return state

    def open(self) -> None:
        from benchmark.tabular import make_dir

        make_dir(self.dir)
        self._trim_partial_tail()
        self._fh = self.path.open("a", encoding="utf-8")

    def _trim_partial_tail(self) -> None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with self.path.open("rb+") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 65536))
            tail = fh.read()
            if tail.endswith(b"\n"):
                return
            cut = tail.rfind(b"\n")
            if cut < 0 and size > 65536:
                return  # one enormous line; leave it, read() skips it
            fh.truncate(size - len(tail) + cut + 1 if cut >= 0 else 0)

    def append(self, rec: dict[str, Any]) -> None:
        self._fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._fh.flush()
        self.appended += 1
        now = time.monotonic()
        if now - self._last_sync >= self.fsync_interval_s:
            os.fsync(self._fh.fileno())
            self._last_sync = now

    def close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None


def write_parquet(records: Iterable[dict[str, Any]], path: str | os.PathLike) -> Path:
    """Responses sorted by key, in RESPONSE_COLUMNS (+ MEDIA_COLUMNS when any has media) with
    fixed types, written atomically."""
    rows = sorted(records, key=lambda r: (r["task_id"], r["item_id"], r["source"], int(r["sample_idx"])))
    schema = MEDIA_SCHEMA if any(r.get("media_path") for r in rows) else SCHEMA
    table = pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return p
