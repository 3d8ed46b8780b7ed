"""Load: 50 raters at once, about 100 ratings each, on SQLite and PostgreSQL.

1,000 items x k=5 = 5,000 ratings; every rater rates until the store says no work is left
(so the total is fixed while who rates what is decided by the race). Half the raters claim
as a separate call, half in the submit's transaction (``claim_next``), as the app does. Afterwards: every
submitted rating is stored exactly once, every item has exactly k ratings from k different
raters, and no rater was shown an item twice.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from benchmark.studies import Store, StudySpec, create_study
from benchmark.studies.models import Assignment, Rating, Slot
from tests.studies.fixtures import make_run

RATERS = 50
K = 5
ITEMS = 1000  # 2 sources x 50 objects x 10 samples


def _load(store: Store, tmp_path) -> None:
    run = make_run(tmp_path / "load-run", objects=[f"thing{i}" for i in range(50)], samples=10)
    spec = StudySpec("load", k=K, min_time_s=0, check_rate=0, dimensions=[{"name": "overall"}], items_per_rater=0)
    info = create_study(store, spec, runs=[run])
    assert info["items"] == ITEMS
    claimed: dict[str, list[str]] = {}
    stored: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(RATERS)

    def rater(n: int) -> None:
        rid = f"rater{n:02d}"
        claimed[rid], stored[rid] = [], []
        try:
            store.enter("load", rid)
            start.wait()
            folded = n % 2 == 1  # half the raters turn pages as the app does: submit claims the next item
            a = store.claim("load", rid)
            while a is not None:
                claimed[rid].append(a["item_id"])
                res = store.submit("load", rid, a["item_id"], {"overall": 1 + n % 5}, claim_next=folded)
                assert res.status == "stored", res
                assert res.next_claimed == folded
                stored[rid].append(a["item_id"])
                a = res.next if folded else store.claim("load", rid)
        except BaseException as exc:  # surfaced below with the thread's rater id
            errors.append(exc)

    threads = [threading.Thread(target=rater, args=(n,)) for n in range(RATERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not errors, errors[:3]
    assert not any(t.is_alive() for t in threads)

    # no rater saw an item twice
    for rid, items in claimed.items():
        assert len(items) == len(set(items)), rid
    submitted = sum(len(v) for v in stored.values())
    assert submitted == ITEMS * K
    assert min(len(v) for v in stored.values()) > 0  # everyone got work
    with store.read() as conn:
        rows = conn.execute(select(Rating.rater_id, Rating.item_id).where(Rating.study_id == "load")).all()
        slots_open = conn.execute(select(func.count()).select_from(Slot).where(
            Slot.study_id == "load", Slot.status != "done")).scalar()
        n_assign = conn.execute(select(func.count()).select_from(Assignment).where(Assignment.study_id == "load")).scalar()
    # every rating stored exactly once
    assert len(rows) == submitted == len(set(rows))
    assert sorted(rows) == sorted((r, i) for r, items in stored.items() for i in items)
    # every item exactly k ratings from k different raters
    per_item = Counter(i for _, i in rows)
    assert len(per_item) == ITEMS and set(per_item.values()) == {K}
    assert slots_open == 0 and n_assign == ITEMS * K


def test_load_sqlite(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'load.db'}")
    try:
        _load(store, tmp_path)
    finally:
        store.dispose()


def test_load_postgresql(tmp_path, pg_url):
    store = Store(pg_url)
    try:
        _load(store, tmp_path)
    finally:
        store.delete_study("load")
        store.dispose()
