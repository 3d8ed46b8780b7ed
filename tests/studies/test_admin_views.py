"""What the admin page shows, as library views: progress per source and task, the rater
table and its stated too-fast rule (issue 11.14), the item browser with hidden sources,
and the live leaderboard."""

from __future__ import annotations

from benchmark.studies import Store, StudySpec, create_study
from benchmark.studies.admin_views import QUESTION_MIN_S, SKIM_WPM, item_browser, progress_by, thresholds
from benchmark.studies.live import live_board
from tests.studies.fixtures import MODEL_SOURCES

DIMS = ("originality", "usefulness", "surprise", "overall")


def _study(tmp_path, run_dir, **kw):
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    create_study(store, StudySpec("a", **{"k": 2, "min_time_s": 3, "check_rate": 0, **kw}), runs=[run_dir])
    return store


def test_too_fast_means_faster_than_skimming_the_answer_not_twice_the_minimum(tmp_path, run_dir):
    """11.14: 'too_fast' was rt < 2 x min-time and flagged 104 of 106 answers the app accepted."""
    store = _study(tmp_path, run_dir)
    store.enter("a", "r")
    times = [3.5, 5.0, 9.0, 30.0]  # all accepted (min 3 s); the old rule (< 6 s) flagged the first two
    words = []
    for t0, rt in zip((1e6, 2e6, 3e6, 4e6), times):
        a = store.claim("a", "r", now=t0)
        words.append(len(store.item_view("a", a["item_id"])["texts"][0].split()))
        assert store.submit("a", "r", a["item_id"], dict.fromkeys(DIMS, 3), now=t0 + rt).ok
    least = [w * 60 / SKIM_WPM + QUESTION_MIN_S * len(DIMS) for w in words]  # about 5 s for these short lists
    row = store.rater_quality("a").iloc[0]
    assert row["too_fast"] == sum(rt < m for rt, m in zip(times, least)) == 1
    assert row["too_fast_share"] == 0.25 and row["answers"] == 4
    rules = " ".join(thresholds(store.get_study("a")["config"]))
    assert f"{SKIM_WPM:g} words per minute" in rules and "less than 3 s" in rules


def test_progress_per_source_and_task_and_the_item_browser(tmp_path, run_dir):
    store = _study(tmp_path, run_dir, min_time_s=0)
    store.enter("a", "r")
    a = store.claim("a", "r")
    store.submit("a", "r", a["item_id"], dict.fromkeys(DIMS, 4))
    by = progress_by(store, "a")
    src = by["source"].set_index("source")
    assert set(src.index) == set(MODEL_SOURCES) and src["needed"].sum() == 24 and src["done"].sum() == 1
    assert by["task_id"].to_dict(orient="records") == [{"task_id": "aut", "items": 12, "done": 1, "needed": 24,
                                                        "share": round(1 / 24, 3)}]
    items = item_browser(store, "a")
    assert len(items) == 12 and set(items["source_a"]) == set(MODEL_SOURCES)
    assert set(items["task_item"]) == {"brick", "fork"} and items["text_a"].str.contains("use").all()
    board, how = live_board(store.url, "a", "likert")
    assert "bootstrap" in how and set(board["dimension"]) == set(DIMS) and len(board) == 4
