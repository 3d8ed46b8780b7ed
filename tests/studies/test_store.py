"""The ratings store: claims, leases, exactly-k, double submits, checks, migrations.

Every test runs on SQLite and, where the server is reachable, on PostgreSQL.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from benchmark.errors import BenchError
from benchmark.studies import SCHEMA_VERSION, Store, StudySpec, create_study, migrate
from benchmark.studies.models import Assignment, Rating, SchemaVersion, Slot


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'r.db'}")
    else:
        s = Store(request.getfixturevalue("pg_url"))
    yield s
    for st in s.list_studies():
        s.delete_study(st["study_id"])
    s.dispose()


def _study(store, run_dir, study_id="s", **kw):
    spec = StudySpec(study_id, **{"k": 2, "min_time_s": 0, "check_rate": 0, **kw})
    return create_study(store, spec, runs=[run_dir])


def _rate_all(store, study_id, rater, value=3):
    dims = [d["name"] for d in store.get_study(study_id)["config"]["dimensions"]]
    seen = []
    while (a := store.claim(study_id, rater)) is not None:
        assert store.submit(study_id, rater, a["item_id"], {d: value for d in dims}).ok
        seen.append(a["item_id"])
    return seen


def test_each_item_gets_exactly_k_and_no_rater_sees_an_item_twice(store, run_dir):
    info = _study(store, run_dir, k=2)
    for r in ("a", "b", "c"):
        store.enter("s", r)
    seen = {r: _rate_all(store, "s", r) for r in ("a", "b", "c")}
    assert all(len(v) == len(set(v)) for v in seen.values())
    counts = Counter(i for v in seen.values() for i in v)
    assert len(counts) == info["items"] and set(counts.values()) == {2}
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(Slot).where(Slot.status != "done")).scalar() == 0
    # a late arrival finds nothing to do
    store.enter("s", "late")
    assert store.claim("s", "late") is None


def test_least_rated_items_come_first(store, run_dir):
    info = _study(store, run_dir, k=3)
    store.enter("s", "a")
    store.enter("s", "b")
    first = [store.claim("s", "a")["item_id"]]
    store.submit("s", "a", first[0], {"originality": 1, "usefulness": 1, "surprise": 1, "overall": 1})
    # b must not get a's item while unrated items remain
    got = store.claim("s", "b")["item_id"]
    assert got != first[0]
    assert info["items"] > 2


def test_reload_resumes_the_same_item_with_the_same_order_and_side(store, run_dir):
    _study(store, run_dir, mode="pairwise", k=1)
    store.enter("s", "a")
    a1 = store.claim("s", "a")
    a2 = store.claim("s", "a")  # a reload: the open item comes back unchanged
    assert (a1["item_id"], a1["swapped"], a1["position"]) == (a2["item_id"], a2["swapped"], a2["position"])
    view = store.item_view("s", a1["item_id"], a1["swapped"])
    assert len(view["texts"]) == 2


def test_item_order_and_sides_are_randomised_per_rater(store, run_dir):
    _study(store, run_dir, mode="pairwise", k=20, max_pairs_per_prompt=20)
    orders, sides = [], []
    for r in ("a", "b", "c"):
        store.enter("s", r)
        seq = []
        while (x := store.claim("s", r)) is not None and len(seq) < 6:
            seq.append(x["item_id"])
            sides.append(x["swapped"])
            store.submit("s", r, x["item_id"], {"creativity": "tie"})
        orders.append(seq)
    assert len({tuple(o) for o in orders}) == 3
    assert 0 < sum(sides) < len(sides)


def test_abandoned_lease_is_reclaimed_and_late_submit_does_not_exceed_k(store, run_dir):
    _study(store, run_dir, k=1, lease_s=60, max_items=1)
    for r in ("slow", "fast"):
        store.enter("s", r)
    t0 = 1_000_000.0
    held = store.claim("s", "slow", now=t0)
    assert store.claim("s", "fast", now=t0 + 10) is None  # still leased
    again = store.claim("s", "fast", now=t0 + 61)  # lease expired: the place goes to someone else
    assert again["item_id"] == held["item_id"]
    vals = {"originality": 2, "usefulness": 2, "surprise": 2, "overall": 2}
    assert store.submit("s", "fast", again["item_id"], vals, now=t0 + 70).status == "stored"
    assert store.submit("s", "slow", held["item_id"], vals, now=t0 + 80).status == "expired"
    with store.read() as conn:
        assert conn.execute(select(func.count(func.distinct(Rating.rater_id)))).scalar() == 1
    assert store.claim("s", "slow", now=t0 + 90) is None  # and never the same item again


def test_a_late_submit_is_kept_when_the_place_is_still_free(store, run_dir):
    _study(store, run_dir, k=1, lease_s=60, max_items=1)
    store.enter("s", "slow")
    held = store.claim("s", "slow", now=0.0)
    vals = {"originality": 2, "usefulness": 2, "surprise": 2, "overall": 2}
    assert store.submit("s", "slow", held["item_id"], vals, now=500.0).status == "stored"


def test_double_submit_is_harmless(store, run_dir):
    _study(store, run_dir, k=1)
    store.enter("s", "a")
    a = store.claim("s", "a")
    vals = {"originality": 5, "usefulness": 4, "surprise": 3, "overall": 2}
    assert store.submit("s", "a", a["item_id"], vals).status == "stored"
    assert store.submit("s", "a", a["item_id"], {**vals, "overall": 5}).status == "duplicate"
    with store.read() as conn:
        rows = conn.execute(select(Rating.dimension, Rating.value).where(Rating.item_id == a["item_id"])).all()
    assert sorted(rows) == sorted((d, str(v)) for d, v in vals.items())


def test_minimum_time_per_item_is_enforced(store, run_dir):
    _study(store, run_dir, k=1, min_time_s=5)
    store.enter("s", "a")
    a = store.claim("s", "a", now=100.0)
    vals = {"originality": 3, "usefulness": 3, "surprise": 3, "overall": 3}
    assert store.submit("s", "a", a["item_id"], vals, now=102.0).status == "too_fast"
    res = store.submit("s", "a", a["item_id"], vals, now=106.0)
    assert res.status == "stored" and res.rt_s == pytest.approx(6.0)


def test_bad_values_are_refused_in_one_line(store, run_dir):
    _study(store, run_dir, k=1)
    store.enter("s", "a")
    a = store.claim("s", "a")
    with pytest.raises(BenchError, match="outside 1-5"):
        store.submit("s", "a", a["item_id"], {"originality": 9, "usefulness": 3, "surprise": 3, "overall": 3})
    with pytest.raises(BenchError, match="missing rating for overall"):
        store.submit("s", "a", a["item_id"], {"originality": 1, "usefulness": 3, "surprise": 3})


def test_attention_checks_are_scored_and_counted_once_per_item(store, run_dir):
    _study(store, run_dir, k=1, check_rate=0.5, max_failed_checks=5)
    store.enter("s", "a")
    kinds, passed = [], []
    while (a := store.claim("s", "a")) is not None:
        kinds.append(a["kind"])
        view = store.item_view("s", a["item_id"])
        if a["kind"] == "attention":
            v = int(view["texts"][0].split("every scale ")[1][0])
            vals = {d: v for d in ("originality", "usefulness", "surprise", "overall")}
            if len(passed) == 1:
                vals["overall"] = 6 - v if v != 3 else 1  # get the second one wrong
        else:
            vals = {d: 3 for d in ("originality", "usefulness", "surprise", "overall")}
        res = store.submit("s", "a", a["item_id"], vals)
        if a["kind"] == "attention":
            passed.append(res.check_passed)
    assert kinds.count("item") == 12 and kinds.count("attention") == 6  # half of 12, at random positions
    assert kinds[0] == "item"
    assert passed[:2] == [True, False]
    assert store.failed_checks("s", "a") == passed.count(False) == 1
    q = store.rater_quality("s")
    row = q[q.rater_id == "a"].iloc[0]
    assert int(row["failed_checks"]) == 1 and int(row["checks"]) == 6  # one per check, not per dimension


def test_items_per_rater_caps_a_session(store, run_dir):
    _study(store, run_dir, k=1, extra={"items_per_rater": 3})
    store.enter("s", "a")
    assert len(_rate_all(store, "s", "a")) == 3


def test_schema_is_versioned_and_migration_is_idempotent(store):
    assert migrate(store.engine) == SCHEMA_VERSION
    assert migrate(store.engine) == SCHEMA_VERSION
    with store.read() as conn:
        assert [r[0] for r in conn.execute(select(SchemaVersion.version))] == list(range(1, SCHEMA_VERSION + 1))


def test_unknown_study_and_bad_url_fail_in_one_line(store, tmp_path):
    with pytest.raises(BenchError, match="no study 'nope'"):
        store.get_study("nope")
    with pytest.raises(BenchError, match="unsupported database URL"):
        Store("mysql://x/y")


def test_closed_study_keeps_its_status(store, run_dir):
    _study(store, run_dir)
    store.set_status("s", "closed")
    assert store.get_study("s")["status"] == "closed"
    with pytest.raises(BenchError):
        store.set_status("s", "paused")


def test_assignment_rows_record_position_and_timing(store, run_dir):
    _study(store, run_dir, k=1)
    store.enter("s", "a")
    _rate_all(store, "s", "a")
    with store.read() as conn:
        rows = conn.execute(select(Assignment.position, Assignment.shown_at, Assignment.submitted_at)
                            .where(Assignment.rater_id == "a").order_by(Assignment.position)).all()
    assert [r[0] for r in rows] == list(range(len(rows)))
    assert all(r[2] >= r[1] for r in rows)


def test_pairwise_attention_checks_follow_the_shown_side(store, run_dir):
    _study(store, run_dir, mode="pairwise", k=1, check_rate=1.0)
    store.enter("s", "a")
    results, sides = [], []
    while (a := store.claim("s", "a")) is not None:
        view = store.item_view("s", a["item_id"], a["swapped"])
        if a["kind"] == "attention":
            pick = "left" if "please choose this answer" in view["texts"][0] else "right"
            sides.append(pick)
            results.append(store.submit("s", "a", a["item_id"], {"creativity": pick}).check_passed)
        else:
            store.submit("s", "a", a["item_id"], {"creativity": "tie"})
    assert results and all(results)
    assert store.failed_checks("s", "a") == 0


def test_gold_items_pass_within_their_tolerance(store, run_dir, tmp_path):
    import pandas as pd

    gold = tmp_path / "gold.csv"
    pd.DataFrame({"text": ["a very ordinary answer"], "originality": [1], "overall": [2]}).to_csv(gold, index=False)
    create_study(store, StudySpec("s", k=2, min_time_s=0, check_rate=1.0), runs=[run_dir], gold_file=gold)
    outcomes = {}
    for rater, vals in (("close", (2, 3)), ("far", (5, 5))):
        store.enter("s", rater)
        while (a := store.claim("s", rater)) is not None:
            if a["kind"] == "gold":
                o, ov = vals
            else:
                o, ov = 3, 3
            view = store.item_view("s", a["item_id"])
            if a["kind"] == "attention":
                o = ov = int(view["texts"][0].split("every scale ")[1][0])
            res = store.submit("s", rater, a["item_id"], {"originality": o, "usefulness": o, "surprise": o, "overall": ov})
            if a["kind"] == "gold":
                outcomes[rater] = res.check_passed
    assert outcomes == {"close": True, "far": False}


def _dims4(v):
    return {d: v for d in ("originality", "usefulness", "surprise", "overall")}


def _answer(store, study, rater, a, fail_checks: bool):
    """Answer one assignment: real items with 3, checks as asked (or, failing, not as asked)."""
    text = store.item_view(study, a["item_id"])["texts"][0]
    if a["kind"] == "attention":
        asked = int(text.split("every scale ")[1][0])
        return store.submit(study, rater, a["item_id"], _dims4((asked % 5) + 1 if fail_checks else asked))
    return store.submit(study, rater, a["item_id"], _dims4(3))


def test_a_screened_out_raters_places_go_back_so_every_item_ends_with_k_usable_ratings(store, run_dir):
    """11.4: a screened rater's ratings used up the k quota and were never requeued."""
    from benchmark.studies import export_ratings

    _study(store, run_dir, k=2, check_rate=0.25, max_failed_checks=1, items_per_rater=0)
    store.enter("s", "careless")
    rated_before = 0
    while (a := store.claim("s", "careless")) is not None:
        res = _answer(store, "s", "careless", a, fail_checks=True)
        rated_before += a["kind"] == "item"
        if res.screened:
            break
    assert res.screened and store.get_rater("s", "careless")["stage"] == "screened" and rated_before >= 1
    assert store.claim("s", "careless") is None  # an ended session takes no more places
    for r in ("ann", "bob", "cyd"):
        store.enter("s", r)
        while (a := store.claim("s", r)) is not None:
            assert _answer(store, "s", r, a, fail_checks=False).ok
    likert = export_ratings(store.url, "s")["likert"]
    real = likert[~likert["is_check"]]
    usable = real[real["usable"]].drop_duplicates(["item_id", "rater_id"])
    assert set(usable.groupby("item_id").size()) == {2} and len(usable) == 12 * 2
    dropped = real[~real["usable"]]
    assert set(dropped["rater_id"]) == {"careless"} and dropped["item_id"].nunique() == rated_before
    assert set(dropped["rater_stage"]) == {"screened"}


def test_withdraw_deletes_the_data_frees_the_places_and_keeps_a_record(store, run_dir):
    from benchmark.studies.admin_views import withdrawals

    _study(store, run_dir, k=1, items_per_rater=0)
    store.enter("s", "w1", prolific_pid="w1", panel_study_id="ps", session_id="ss")
    for _ in range(3):
        a = store.claim("s", "w1")
        store.submit("s", "w1", a["item_id"], _dims4(2))
    rec = store.withdraw("s", "w1", note="asked by email")
    assert (rec["ratings_deleted"], rec["responses_deleted"]) == (12, 0)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(Rating).where(Rating.rater_id == "w1")).scalar() == 0
        assert conn.execute(select(func.count()).select_from(Slot).where(Slot.status == "done")).scalar() == 0
    rater = store.get_rater("s", "w1")
    assert rater["stage"] == "withdrawn" and rater["prolific_pid"] is None and rater["session_id"] is None
    store.set_stage("s", "w1", "consent")  # a withdrawn session cannot be revived
    assert store.get_rater("s", "w1")["stage"] == "withdrawn"
    log = withdrawals(store, "s")
    assert list(log["rater_id"]) == ["w1"] and list(log["note"]) == ["asked by email"]
    with pytest.raises(BenchError, match="already withdrew"):
        store.withdraw("s", "w1")
    with pytest.raises(BenchError, match="has no rater 'nobody'"):
        store.withdraw("s", "nobody")
    store.enter("s", "other")
    assert len(_rate_all(store, "s", "other", value=4)) == 12  # every place is free again


def test_checklist_answers_are_yes_no_with_reasons(store, run_dir):
    from benchmark.studies import export_ratings

    tests = [{"name": "surprise", "question": "Does it surprise?"}, {"name": "works", "question": "Does it work?"}]
    _study(store, run_dir, mode="checklist", checklist=tests, k=1, max_items=2)
    store.enter("s", "a")
    a = store.claim("s", "a")
    with pytest.raises(BenchError, match="is not yes"):
        store.submit("s", "a", a["item_id"], {"surprise": 3, "works": 1})
    with pytest.raises(BenchError, match="missing answer for works"):
        store.submit("s", "a", a["item_id"], {"surprise": "yes"})
    res = store.submit("s", "a", a["item_id"], {"surprise": "yes", "works": 0},
                       reasons={"surprise": "  a twist \x00", "works": ""})
    assert res.status == "stored"
    df = export_ratings(store.url, "s")["likert"].sort_values("dimension")
    assert df[["dimension", "value"]].values.tolist() == [["surprise", 1], ["works", 0]]
    assert df["reason"].iloc[0] == "a twist" and df["reason"].isna().iloc[1]  # trimmed, NUL removed; empty = none


@pytest.mark.parametrize("bad", ["nan", "inf", "3.5", "abc"])
def test_impossible_likert_values_are_refused(store, run_dir, bad):
    _study(store, run_dir, k=1)
    store.enter("s", "a")
    a = store.claim("s", "a")
    with pytest.raises(BenchError):
        store.submit("s", "a", a["item_id"], {**_dims4(3), "overall": bad})


def test_a_version_1_store_is_migrated_in_place(tmp_path, run_dir):
    """A store made before dimension sets, reasons, withdrawals and selection probabilities opens and keeps its data."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'v1.db'}"
    s = Store(url)
    _study(s, run_dir, k=1)
    s.enter("s", "a")
    a = s.claim("s", "a")
    s.submit("s", "a", a["item_id"], _dims4(5))
    with s.write() as conn:  # take the store back to schema version 1
        conn.execute(text("ALTER TABLE items DROP COLUMN dimset"))
        conn.execute(text("ALTER TABLE ratings DROP COLUMN reason"))
        conn.execute(text("DROP TABLE withdrawals"))
        conn.execute(text("ALTER TABLE assignments DROP COLUMN selection_prob"))
        conn.execute(text("DELETE FROM schema_version WHERE version > 1"))
    s.dispose()
    again = Store(url)
    with again.read() as conn:
        assert [r[0] for r in conn.execute(select(SchemaVersion.version))] == list(range(1, SCHEMA_VERSION + 1))
        assert conn.execute(select(func.count()).select_from(Rating)).scalar() == 4
    assert again.withdraw("s", "a")["ratings_deleted"] == 4
    again.dispose()


def test_a_submit_claims_the_next_item_in_its_own_transaction(store, run_dir):
    """``claim_next``: the same items in the same order as a separate claim, one commit per page."""
    from sqlalchemy import event

    info = _study(store, run_dir, k=1, mode="pairwise")
    for r in ("a", "b"):
        store.enter("s", r)
    # rater a turns pages with a claim after each submit; rater b, on a copy of the study,
    # in the submit's own transaction: both see the same sequence (order and sides)
    _study(store, run_dir, study_id="s2", k=1, mode="pairwise")
    store.enter("s2", "a")
    plain, folded = [], []
    while (x := store.claim("s", "a")) is not None:
        plain.append((x["item_id"], x["swapped"], x["position"]))
        assert store.submit("s", "a", x["item_id"], {"creativity": "left"}).status == "stored"
    begins = []
    event.listen(store.engine, "begin", lambda *_: begins.append(1))
    x = store.claim("s2", "a")
    n_begin = len(begins)
    while x is not None:
        folded.append((x["item_id"], x["swapped"], x["position"]))
        res = store.submit("s2", "a", x["item_id"], {"creativity": "left"}, claim_next=True)
        assert res.status == "stored" and res.next_claimed
        x = res.next
    assert len(plain) == info["items"] and folded == plain
    assert len(begins) - n_begin == len(folded)  # one transaction per page turn, the last one finds no work
    assert 0 < sum(s for _, s, _ in plain) < len(plain)  # sides still vary
    # a resubmit of an answered item is a duplicate and hands back no new item while none is left
    res = store.submit("s2", "a", folded[-1][0], {"creativity": "right"}, claim_next=True)
    assert res.status == "duplicate" and res.next is None
    # the late rater finds nothing; the folded claim respects exact k
    assert store.claim("s", "b") is None


def test_a_failed_check_that_ends_the_session_claims_nothing(store, run_dir):
    _study(store, run_dir, k=1, check_rate=1.0, max_failed_checks=1)
    store.enter("s", "a")
    a = store.claim("s", "a")
    while a["kind"] == "item":
        a = store.submit("s", "a", a["item_id"], {d: 3 for d in ("originality", "usefulness", "surprise", "overall")},
                         claim_next=True).next
    v = int(store.item_view("s", a["item_id"])["texts"][0].split("every scale ")[1][0])
    wrong = {d: (1 if v != 1 else 5) for d in ("originality", "usefulness", "surprise", "overall")}
    res = store.submit("s", "a", a["item_id"], wrong, claim_next=True)
    assert res.screened and res.check_passed is False and res.next is None
    assert store.get_rater("s", "a")["stage"] == "screened"
    assert store.claim("s", "a") is None
    with store.read() as conn:  # the screened rater holds no place
        assert conn.execute(select(func.count()).select_from(Slot).where(
            Slot.study_id == "s", Slot.rater_id == "a", Slot.status != "free")).scalar() == 0


def test_two_tabs_submitting_the_same_item_at_once_store_it_once_and_agree_on_the_next(store, run_dir):
    """The same rater's answer sent from two tabs at the same moment, each claiming the next
    item in its transaction: one is stored, the other is a duplicate, and both tabs go on
    with one and the same next item (the rater holds one open assignment, not two)."""
    import threading

    _study(store, run_dir, k=1, items_per_rater=0)
    store.enter("s", "a")
    vals = {"originality": 4, "usefulness": 4, "surprise": 4, "overall": 4}
    for _ in range(3):  # a few rounds: the race is decided differently each time
        a = store.claim("s", "a")
        start, results = threading.Barrier(2), []

        def tab() -> None:
            start.wait()
            results.append(store.submit("s", "a", a["item_id"], vals, claim_next=True))

        threads = [threading.Thread(target=tab) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(r.status for r in results) == ["duplicate", "stored"]
        assert results[0].next["item_id"] == results[1].next["item_id"] != a["item_id"]
        with store.read() as conn:
            assert conn.execute(select(func.count()).select_from(Assignment).where(
                Assignment.rater_id == "a", Assignment.state == "active")).scalar() == 1
            assert conn.execute(select(func.count()).select_from(Rating).where(
                Rating.item_id == a["item_id"])).scalar() == 4
