"""Rating submits under 50 concurrent raters: p99 latency and throughput, SQLite and PostgreSQL.

A "rating submit" is what the app does per item: claim the next item (``Store.claim``)
plus store the answer (``Store.submit``), each its own transaction. Two load patterns:

- saturated: every rater submits back to back with no reading time. This gives the
  throughput; its latency is mostly queueing behind 49 other writers.
- paced: every rater submits on average every 0.5 s (exponential gaps, seeded): 100
  submits/s offered, far faster than people read, but below saturation, so p99 shows
  the service time a rater feels.

The baseline, measured in the same run on the same database and engine with the same 50
threads and the same pattern, is a bare single-row INSERT in its own transaction.
Targets: p99 under 50 ms (paced), and within 5x of the bare insert's p99.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, insert

RATERS = 50
PER_RATER = 40
PACE_S = 0.5
K = 5
ITEMS = RATERS * PER_RATER // K


def _threads(n: int, fn) -> float:
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            fn(i)
        except BaseException as exc:  # reported after the join
            errors.append(exc)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - t0


def _pause(rng: random.Random | None) -> None:
    if rng is not None:
        time.sleep(rng.expovariate(1 / PACE_S))


def _bare_insert(store, paced: bool) -> tuple[np.ndarray, float]:
    table = Table("bench_bare_insert", MetaData(), Column("id", Integer, primary_key=True, autoincrement=True),
                  Column("rater", String(40)), Column("v", Float))
    table.create(store.engine, checkfirst=True)
    lat: list[list[float]] = [[] for _ in range(RATERS)]

    def worker(i: int) -> None:
        rng = random.Random(i) if paced else None
        for _ in range(PER_RATER):
            _pause(rng)
            t = time.perf_counter()
            with store.write() as conn:
                conn.execute(insert(table).values(rater=f"r{i}", v=1.0))
            lat[i].append(time.perf_counter() - t)

    wall = _threads(RATERS, worker)
    table.drop(store.engine)
    return np.array([x for row in lat for x in row]), wall


def _ratings(store, run_dir: Path, paced: bool) -> tuple[np.ndarray, float]:
    from benchmark.studies import StudySpec, create_study

    create_study(store, StudySpec("bench", k=K, min_time_s=0, check_rate=0, dimensions=[{"name": "overall"}]),
                 runs=[run_dir], replace=True)
    lat: list[list[float]] = [[] for _ in range(RATERS)]
    for i in range(RATERS):
        store.enter("bench", f"r{i}")

    def worker(i: int) -> None:
        rid = f"r{i}"
        rng = random.Random(i) if paced else None
        while True:
            _pause(rng)
            t = time.perf_counter()
            a = store.claim("bench", rid)
            if a is None:
                return
            res = store.submit("bench", rid, a["item_id"], {"overall": 3})
            lat[i].append(time.perf_counter() - t)
            assert res.status == "stored"

    wall = _threads(RATERS, worker)
    store.delete_study("bench")
    return np.array([x for row in lat for x in row]), wall


def _one(name: str, url: str, run_dir: Path) -> list[dict]:
    from benchmark.studies import Store

    rows = []
    store = Store(url)
    try:
        for paced in (False, True):
            pattern = "paced" if paced else "saturated"
            bare, bare_wall = _bare_insert(store, paced)
            rate, rate_wall = _ratings(store, run_dir, paced)
            p99_r, p99_b = np.percentile(rate, 99) * 1000, np.percentile(bare, 99) * 1000
            print(f"{name} {pattern}: rating submit (claim+write) n={len(rate)} p50 {statistics.median(rate) * 1000:.1f} ms "
                  f"p99 {p99_r:.1f} ms, {len(rate) / rate_wall:.0f} ratings/s | bare insert n={len(bare)} "
                  f"p50 {statistics.median(bare) * 1000:.1f} ms p99 {p99_b:.1f} ms, {len(bare) / bare_wall:.0f} rows/s")
            rows.append({"bench": f"ratings {name} {pattern}: p99 submit vs bare insert",
                         "figure": f"{p99_r:.1f} ms vs {p99_b:.1f} ms; {len(rate) / rate_wall:.0f} ratings/s",
                         "ratio": p99_r / p99_b, "target": "<= 5", "ok": p99_r / p99_b <= 5})
            if paced:
                rows.append({"bench": f"ratings {name} paced: p99 submit vs 50 ms", "figure": f"{p99_r:.1f} ms",
                             "ratio": p99_r / 50.0, "target": "<= 1", "ok": p99_r <= 50})
    finally:
        store.dispose()
    return rows


def run() -> list[dict]:
    from tests.studies.fixtures import make_run, pg_schema_url

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = make_run(Path(tmp) / "bench-run", objects=[f"thing{i}" for i in range(ITEMS // 20)], samples=10)
        print(f"{RATERS} raters x ~{PER_RATER} back-to-back submits, {ITEMS} items x k={K}")
        rows += _one("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", run_dir)
        try:
            url, drop = pg_schema_url()
        except BaseException as exc:  # pytest.skip outside pytest: no server here
            print(f"postgresql: skipped ({exc})")
            return rows
        try:
            rows += _one("postgresql", url, run_dir)
        finally:
            drop()
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
