"""Sessions: sized to 15-20 minutes by default, checks at the configured rate at random
positions (at least one per rater), progress totals that are right (issue 11: 2, 6, 13)."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmark.paths import REPO_ROOT
from benchmark.studies import Store, StudySpec, create_study, design_study, load_sources
from benchmark.studies.plan import check_positions, checks_for, items_per_rater, seconds_per_item, session_minutes
from tests.studies.fixtures import make_run

PUBLISHED = REPO_ROOT / "results" / "smollm2-core" / "runs" / "llamacpp-smollm2-core"


def test_the_default_session_of_the_published_run_takes_15_to_20_minutes():
    """11.2: without --items-per-rater every rater had to rate all 101 items (about 111 screens)."""
    d = design_study(StudySpec("pub", k=3, check_rate=0.1, tasks=["aut", "consequences", "instances"]),
                     load_sources([PUBLISHED]))
    s = d["summary"]
    assert s["items"] == 53 and s["items_per_rater"] < s["items"]
    assert 15 <= s["minutes_per_rater"] <= 20
    assert s["raters_needed"] == -(-53 * 3 // s["items_per_rater"])
    assert s["checks_per_rater"] == checks_for(s["items_per_rater"], 0.1)


def test_sizing_follows_what_there_is_to_read():
    short = seconds_per_item("likert", 10, 4)
    long = seconds_per_item("likert", 200, 4)
    assert long > short and items_per_rater(1000, long, 0.1) < items_per_rater(1000, short, 0.1)
    n = items_per_rater(1000, short, 0.1)
    assert session_minutes(n, checks_for(n, 0.1), short) <= 17.5 < session_minutes(n + 2, checks_for(n + 2, 0.1), short)
    assert items_per_rater(13, short, 0.1) == 13  # never more than the study has


def test_check_positions_are_per_rater_never_first_and_at_least_one():
    a = check_positions(0, "ann", 20, 0.1, 10)
    b = check_positions(0, "bob", 20, 0.1, 10)
    assert len(a) == len(b) == 2 and a != b and 0 not in a | b
    assert check_positions(0, "ann", 20, 0.1, 10) == a  # a reload or another server draws the same
    assert len(check_positions(0, "ann", 6, 0.1, 10)) == 1  # 10% of 6 rounds to 0: still one
    assert check_positions(0, "ann", 6, 0.0, 10) == frozenset()


@pytest.mark.parametrize("per_rater,rate,expected", [(6, 0.1, 1), (12, 0.25, 3)])
def test_every_rater_sees_the_configured_number_of_checks(tmp_path, per_rater, rate, expected):
    """11.6: every study had 5 checks every 1/rate items, so 6 items per rater meant none."""
    run = make_run(tmp_path / "r", objects=("brick", "fork", "rope"), samples=4)  # 24 items
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    create_study(store, StudySpec("c", k=3, min_time_s=0, check_rate=rate, items_per_rater=per_rater,
                                  max_failed_checks=99), runs=[run])
    where = []
    for rater in ("r1", "r2", "r3", "r4"):
        store.enter("c", rater)
        kinds = []
        while (a := store.claim("c", rater)) is not None:
            kinds.append(a["kind"])
            dims = {d: 3 for d in ("originality", "usefulness", "surprise", "overall")}
            assert store.submit("c", rater, a["item_id"], dims).ok
        assert Counter(kinds) == {"item": per_rater, "attention": expected}
        assert kinds[0] == "item"
        where.append(tuple(i for i, k in enumerate(kinds) if k == "attention"))
    assert len(set(where)) > 1  # positions differ between raters


def test_a_design_without_checks_warns(run_dir):
    d = design_study(StudySpec("x", check_rate=0), load_sources([run_dir]))
    assert any("no attention checks" in w for w in d["summary"]["warnings"])
    assert d["summary"]["checks_per_rater"] == 0
