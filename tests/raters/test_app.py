"""Every screen of the rater app through Streamlit's AppTest, against a real SQLite store."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from benchmark.studies import export_ratings
from benchmark.studies.models import Assignment
from tests.raters.conftest import answer_all, open_app, rate_until_done, through_practice

PROLIFIC = {"PROLIFIC_PID": "pp1", "STUDY_ID": "panel-7", "SESSION_ID": "sess-9"}


def _titles(at):
    return [t.value for t in at.title]


def test_consent_refused_records_nothing(make_study):
    store = make_study()
    at = open_app(**PROLIFIC)
    assert at.button(key="consent_yes") and not at.exception
    at.button(key="consent_no").click().run()
    assert any("chose not to take part" in w.value for w in at.warning)
    assert store.get_rater("s", "pp1")["stage"] == "declined"
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(Assignment)).scalar() == 0
    # a reload keeps the refusal
    again = open_app(**PROLIFIC)
    assert any("chose not to take part" in w.value for w in again.warning)


def test_complete_likert_session_stores_panel_ids_and_shows_the_code(make_study, app_db):
    store = make_study(completion_code="CODE-123", completion_url="https://panel.test/done?cc={code}")
    at = through_practice(open_app(**PROLIFIC))
    assert not at.exception
    n = rate_until_done(at, likert=4)
    assert n == 4  # 2 sources x 1 object x 2 samples, k=1
    assert _titles(at) == ["Thank you!"]
    assert [c.value for c in at.code] == ["CODE-123"]
    rater = store.get_rater("s", "pp1")
    assert (rater["prolific_pid"], rater["panel_study_id"], rater["session_id"], rater["stage"]) == (
        "pp1", "panel-7", "sess-9", "done")
    likert = export_ratings(app_db, "s")["likert"]
    assert len(likert) == 4 * 4 and set(likert["value"]) == {4} and set(likert["rater_id"]) == {"pp1"}


def test_resume_after_reload_and_on_a_new_device(make_study):
    store = make_study(objects=("brick", "fork"))
    at = through_practice(open_app(**PROLIFIC))
    rate_until_done(at, limit=2)
    shown = [t.value for t in at.text]
    # a reload (new session, same link) lands on the same open item
    again = open_app(**PROLIFIC)
    assert [t.value for t in again.text] == shown
    assert any(b.key == "submit" for b in again.button)
    assert store.done_count("s", "pp1") == 2
    rate_until_done(again)
    assert _titles(again) == ["Thank you!"] and store.done_count("s", "pp1") == 8


def _fail_check(at) -> None:
    texts = " ".join(t.value for t in at.text)
    assert "attention check" in texts
    asked = int(texts.split("every scale ")[1][0])
    answer_all(at, likert=1 if asked != 1 else 2)  # not what it asked for
    at.button(key="submit").click().run()


def test_attention_check_failed_warns_then_ends_the_session(make_study):
    store = make_study(objects=("brick", "fork"), check_rate=1.0, max_failed_checks=2)
    at = through_practice(open_app(**PROLIFIC))
    rate_until_done(at, limit=1)  # one real item; a check comes next (one per item at rate 1.0)
    _fail_check(at)
    assert any("attention check" in w.value for w in at.warning)  # warned, session goes on
    assert any(b.key == "submit" for b in at.button)
    rate_until_done(at, limit=1)
    _fail_check(at)
    assert store.get_rater("s", "pp1")["stage"] == "screened"
    assert any("attention checks" in w.value for w in at.warning)
    assert not at.code  # no completion code for a screened session
    q = store.rater_quality("s")
    assert int(q.loc[q.rater_id == "pp1", "failed_checks"].iloc[0]) == 2
    likert = export_ratings(store.url, "s")["likert"]
    checks = likert[likert["is_check"]]
    assert len(checks) and not checks["check_passed"].any() and (checks["source"] == "check/attention").all()


def test_too_fast_answer_is_refused(make_study):
    make_study(min_time_s=600)
    at = through_practice(open_app(**PROLIFIC))
    answer_all(at)
    at.button(key="submit").click().run()
    assert any("more time" in w.value for w in at.warning)
    assert any(b.key == "submit" for b in at.button)


def test_late_arrival_sees_no_work_left(make_study):
    store = make_study()
    first = through_practice(open_app(PROLIFIC_PID="early"))
    rate_until_done(first)
    late = through_practice(open_app(PROLIFIC_PID="late"))
    assert _titles(late) == ["No work left"]
    assert store.done_count("s", "late") == 0


def test_without_a_panel_id_the_link_gets_a_resumable_rater_id(make_study):
    make_study()
    at = open_app()
    rid = at.query_params.get("rid")
    assert rid and not at.exception


def test_admin_is_refused_without_a_configured_secret(make_study):
    make_study()
    at = open_app(page="admin")
    assert any("disabled" in e.value for e in at.error)
    assert not at.dataframe and not at.text_input


def test_admin_with_wrong_and_right_secret(make_study, monkeypatch):
    store = make_study()
    monkeypatch.setenv("CREATIVITY_BENCH_ADMIN_SECRET", "s3cret")
    at = open_app(page="admin")
    at.text_input(key="admin_secret_input").input("nope").run()
    assert any("Wrong secret" in e.value for e in at.error) and not at.dataframe
    at.text_input(key="admin_secret_input").input("s3cret").run()
    assert not at.exception
    assert len(at.dataframe) == 2  # progress per item, raters
    assert {b.label for b in at.get("download_button")} >= {"likert.csv", "likert.parquet"}
    at.button(key="admin_close").click().run()
    assert store.get_study("s")["status"] == "closed"
    rater = open_app(**PROLIFIC)
    assert _titles(rater) == ["This study is closed"]


def test_admin_secret_from_streamlit_secrets(make_study):
    from streamlit.testing.v1 import AppTest

    from tests.raters.conftest import APP

    make_study()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["admin_secret"] = "from-secrets"
    at.query_params["page"] = "admin"
    at.run()
    at.text_input(key="admin_secret_input").input("from-secrets").run()
    assert len(at.dataframe) == 2


HOSTILE = {
    ("llamacpp/smollm2", "brick", 0): "<script>alert('x')</script> build a wall",
    ("llamacpp/smollm2", "brick", 1): "![tracking pixel](http://evil.test/p.png) a doorstop",
    ("openai/gpt-4o-mini", "brick", 0): "[click me](http://evil.test) <b>bold</b> <img src=x onerror=alert(1)>",
    ("openai/gpt-4o-mini", "brick", 1): "<h1>HEADLINE</h1>",
}


def test_html_script_images_and_links_are_shown_as_plain_text(make_study):
    make_study(texts=HOSTILE)
    at = through_practice(open_app(**PROLIFIC))
    seen = []
    for _ in range(4):
        seen += [t.value for t in at.text]
        # no response text ever goes through a markdown/html element
        rendered = " ".join(m.value for m in at.markdown)
        assert "evil.test" not in rendered and "<script>" not in rendered and "HEADLINE" not in rendered
        answer_all(at)
        at.button(key="submit").click().run()
    for raw in HOSTILE.values():
        assert raw in seen


@pytest.mark.parametrize("mode,answers,key", [
    ("pairwise", {"choice": "right"}, "battles"),
    ("turing", {"guess": "ai", "likert": 2}, "guesses"),
])
def test_pairwise_and_turing_sessions_export_their_tables(make_study, app_db, mode, answers, key):
    make_study(mode=mode)
    at = through_practice(open_app(**PROLIFIC))
    n = rate_until_done(at, **answers)
    assert n >= 1 and _titles(at) == ["Thank you!"]
    table = export_ratings(app_db, "s")[key]
    assert len(table) == n
    if mode == "pairwise":
        assert set(table["winner"]) == {"right"}
        assert (table["left_source"] != table["right_source"]).all()
    else:
        assert set(table["guess"]) == {"ai"} and set(table["confidence"]) == {2}
        assert set(table["source"]) == {"llamacpp/smollm2", "openai/gpt-4o-mini"}


def test_rater_pages_never_read_the_source_map():
    """Only the admin screen may import the exports; no screen touches the source map."""
    import re

    from benchmark.paths import REPO_ROOT

    for path in (REPO_ROOT / "raters").rglob("*.py"):
        if path.name == "leaderboard.py":
            continue  # public leaderboard of finished results, not part of the rating flow
        code = path.read_text()
        assert "SourceMap" not in code and "source_map" not in code, path
        if path.name != "admin.py":
            assert not re.search(r"^\s*(from|import)\s+benchmark\.studies\.(export|models)", code, re.M), path


def test_home_and_admin_link_the_leaderboard_page_which_renders(app_db, tmp_path, monkeypatch):
    from benchmark.paths import REPO_ROOT

    if not (REPO_ROOT / "raters" / "pages" / "leaderboard.py").exists():
        pytest.skip("raters/pages/leaderboard.py (the analysis stage) is not installed")
    home = open_app()
    assert any("page=leaderboard" in m.value for m in home.markdown)
    monkeypatch.setenv("CREATIVITY_BENCH_RESULTS", str(tmp_path / "no-results"))
    board = open_app(page="leaderboard")
    assert not board.exception and [t.value for t in board.title] == ["Leaderboard"]
