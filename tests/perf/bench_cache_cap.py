"""The cache size cap's cost (issue 14): the per-call check, the last-used marks, an eviction.

Measured on one SQLite cache file of 50,000 rows of 1,536 bytes (a MiniLM vector each),
in this process, each side with its own fresh connection:

* a warm read of all rows with marks fresh (what a re-score does) vs the same read from a
  table without the ``used`` column (the cache before the cap): target <= 1.2;
* the under-cap check (``enforce_cache_cap``, a few ``stat`` calls) vs that warm read:
  target < 0.01;
* a read whose every mark is stale (at most once a day per row) vs a warm read: printed,
  no target - it is the price of LRU order, paid once a day;
* evicting down to 80% of a cap of half the data: printed.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

N, SIZE = 50_000, 1536


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run() -> list[dict]:
    from benchmark.scoring.cache_cap import cache_bytes, enforce_cache_cap
    from benchmark.scoring.text_features import FeatureStore

    folder = Path(tempfile.mkdtemp(prefix="cb-cap-"))
    keys = [f"{i:032x}" for i in range(N)]
    blob = b"v" * SIZE
    FeatureStore(folder / "e.sqlite").put_many([(k, blob) for k in keys])
    plain = folder / "plain" / "p.sqlite"
    plain.parent.mkdir()
    with sqlite3.connect(plain) as conn:  # as FeatureStore wrote it before the cap: WAL, one transaction
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE feat (key TEXT PRIMARY KEY, val BLOB NOT NULL)")
        conn.executemany("INSERT INTO feat VALUES (?, ?)", [(k, blob) for k in keys])

    def plain_read() -> None:
        conn = sqlite3.connect(plain)
        for i in range(0, N, 900):
            chunk = keys[i:i + 900]
            dict(conn.execute(f"SELECT key, val FROM feat WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        conn.close()

    plain_times, warm_times = [], []
    for _ in range(5):  # interleaved, best of five each: the machine is shared
        plain_times.append(_timed(plain_read))
        warm_times.append(_timed(lambda: FeatureStore(folder / "e.sqlite").get_many(keys)))
    t_plain, t_warm = min(plain_times), min(warm_times)
    t_check = _timed(lambda: [enforce_cache_cap(folder, 10**12) for _ in range(100)]) / 100
    t_stale = _timed(lambda: FeatureStore(folder / "e.sqlite", touch_every=0).get_many(keys))
    before = cache_bytes(folder)
    t_evict = _timed(lambda: print(f"evicted {enforce_cache_cap(folder, before // 4)} rows"))
    print(f"plain read {t_plain:.3f} s, read with marks {t_warm:.3f} s, under-cap check {t_check * 1e6:.0f} us, "
          f"stale-mark read {t_stale:.3f} s, eviction {t_evict:.3f} s ({before / 1e6:.1f} MB -> "
          f"{cache_bytes(folder) / 1e6:.1f} MB)")
    return [
        {"bench": "cache cap: warm read of 50k rows with last-used marks vs without", "figure": f"{t_warm:.3f} s vs {t_plain:.3f} s",
         "ratio": t_warm / t_plain, "target": "<= 1.2", "ok": t_warm / t_plain <= 1.2},
        {"bench": "cache cap: under-cap check vs that warm read", "figure": f"{t_check * 1e6:.0f} us vs {t_warm:.3f} s",
         "ratio": t_check / t_warm, "target": "< 0.01", "ok": t_check / t_warm < 0.01},
        {"bench": "cache cap: read refreshing 50k stale marks (once a day) vs warm read", "figure": f"{t_stale:.3f} s vs {t_warm:.3f} s",
         "ratio": t_stale / t_warm, "target": "-", "ok": True},
    ]
