"""Every screen of the rater app through Streamlit's AppTest, against a real SQLite store
(and PostgreSQL where the test is about it). Issue 11's defects are named where tested."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from benchmark.studies import export_ratings
from benchmark.studies.models import Assignment, Rater
from tests.raters.conftest import answer_all, open_app, rate_until_done, through_practice
from tests.studies.fixtures import stevenson_humans

PROLIFIC = {"PROLIFIC_PID": "pp1", "STUDY_ID": "panel-7", "SESSION_ID": "sess-9"}
CODES = {"completion": "DONE1", "screened": "SCREEN1", "no_work": "NOWORK1", "declined": "NOCONSENT1",
         "closed": "CLOSED1"}
RETURN = "https://panel.test/return?cc={code}"


def _titles(at):
    return [t.value for t in at.title]


def _codes(at):
    return [c.value for c in at.code]


def _links(at):
    return [b.proto.url for b in at.link_button]


def _frame(at, *columns):
    """The first table on the page with these columns."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_consent_refused_records_nothing_and_ends_on_the_declined_code(make_study):
    store = make_study(codes=CODES, return_url=RETURN)
    at = open_app(**PROLIFIC)
    assert at.button(key="consent_yes") and not at.exception
    at.button(key="consent_no").click().run()
    assert any("chose not to take part" in w.value for w in at.warning)
    assert _codes(at) == ["NOCONSENT1"] and _links(at) == ["https://panel.test/return?cc=NOCONSENT1"]  # 11.9
    assert store.get_rater("s", "pp1")["stage"] == "declined"
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(Assignment)).scalar() == 0
    again = open_app(**PROLIFIC)  # a reload keeps the refusal
    assert any("chose not to take part" in w.value for w in again.warning)


def test_consent_shows_the_study_wording_minutes_and_payment(make_study):
    make_study(consent={"text": "You are invited (IRB wording).", "irb": "Approved by Board 7, protocol 42.",
                        "contact": "lab@example.org"}, payment="£2.50", estimated_minutes=12)
    at = open_app(**PROLIFIC)
    shown = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])
    for words in ("You are invited (IRB wording).", "protocol 42", "lab@example.org", "About 12 minutes", "£2.50"):
        assert words in shown


def test_complete_likert_session_counts_exactly_and_ends_on_the_code(make_study, app_db):
    store = make_study(completion_code="CODE-123", completion_url="https://panel.test/done?cc={code}")
    at = through_practice(open_app(**PROLIFIC))
    assert not at.exception
    seen = []
    while any(b.key == "submit" for b in at.button):
        seen.append(at.progress[0].text)
        answer_all(at, likert=4)
        at.button(key="submit").click().run()
    assert seen == ["Answer 1 of 4", "Answer 2 of 4", "Answer 3 of 4", "Answer 4 of 4"]  # 11.2: a total, and right
    assert _titles(at) == ["Thank you!"] and _codes(at) == ["CODE-123"]
    assert _links(at) == ["https://panel.test/done?cc=CODE-123"]
    rater = store.get_rater("s", "pp1")
    assert (rater["prolific_pid"], rater["panel_study_id"], rater["session_id"], rater["stage"]) == (
        "pp1", "panel-7", "sess-9", "done")
    likert = export_ratings(app_db, "s")["likert"]
    assert len(likert) == 4 * 4 and set(likert["value"]) == {4} and set(likert["rater_id"]) == {"pp1"}


def test_progress_total_is_the_study_size_when_it_is_smaller_than_the_session(make_study):
    make_study(objects=("brick", "fork", "rope"), samples=2, items_per_rater=20, check_rate=0.1)
    at = through_practice(open_app(**PROLIFIC))
    texts = []
    while any(b.key == "submit" for b in at.button):
        texts.append(at.progress[0].text)
        if "attention check" in " ".join(t.value for t in at.text):
            v = int(" ".join(t.value for t in at.text).split("every scale ")[1][0])
            answer_all(at, likert=v)
        else:
            answer_all(at)
        at.button(key="submit").click().run()
    # 11.13: 12 items and 1 check (10% of 12, at least one): never "of about 20"
    assert texts == [f"Answer {n} of 13" for n in range(1, 14)]


def test_resume_after_reload_and_on_a_new_device(make_study):
    store = make_study(objects=("brick", "fork"))
    at = through_practice(open_app(**PROLIFIC))
    rate_until_done(at, limit=2)
    shown = [t.value for t in at.text]
    again = open_app(**PROLIFIC)  # a new session, same link: the same open item
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


def test_failed_checks_warn_then_screen_out_with_the_screened_code(make_study):
    store = make_study(objects=("brick", "fork"), check_rate=1.0, max_failed_checks=2, codes=CODES)
    at = through_practice(open_app(**PROLIFIC))
    failed = 0
    while failed < 2:
        if "attention check" in " ".join(t.value for t in at.text):
            _fail_check(at)
            failed += 1
            if failed == 1:  # warned, the session goes on
                assert any("attention check" in w.value for w in at.warning)
                assert any(b.key == "submit" for b in at.button)
        else:
            rate_until_done(at, limit=1)
    assert store.get_rater("s", "pp1")["stage"] == "screened"
    assert any("attention checks" in w.value for w in at.warning)
    assert _codes(at) == ["SCREEN1"]  # 11.9: the screened code, not the completion code
    q = store.rater_quality("s")
    assert int(q.loc[q.rater_id == "pp1", "failed_checks"].iloc[0]) == 2
    likert = export_ratings(store.url, "s")["likert"]
    assert not likert["usable"].any() and set(likert["rater_stage"]) == {"screened"}
    checks = likert[likert["is_check"]]
    assert len(checks) and not checks["check_passed"].any() and (checks["source"] == "check/attention").all()


def test_too_fast_answer_is_refused(make_study):
    make_study(min_time_s=600)
    at = through_practice(open_app(**PROLIFIC))
    answer_all(at)
    at.button(key="submit").click().run()
    assert any("more time" in w.value for w in at.warning)
    assert any(b.key == "submit" for b in at.button)


def test_late_arrival_sees_no_work_left_with_the_no_work_code(make_study):
    store = make_study(codes=CODES, return_url=RETURN)
    rate_until_done(through_practice(open_app(PROLIFIC_PID="early")))
    late = through_practice(open_app(PROLIFIC_PID="late"))
    assert _titles(late) == ["No work left"] and store.done_count("s", "late") == 0
    assert _codes(late) == ["NOWORK1"] and _links(late) == ["https://panel.test/return?cc=NOWORK1"]  # 11.9


def test_a_closed_study_ends_on_its_code(make_study):
    store = make_study(codes=CODES)
    store.set_status("s", "closed")
    at = open_app(**PROLIFIC)
    assert _titles(at) == ["This study is closed"] and _codes(at) == ["CLOSED1"]


def test_without_a_panel_id_the_link_gets_a_resumable_rater_id(make_study):
    make_study()
    at = open_app()
    assert at.query_params.get("rid") and not at.exception


def test_bare_url_with_several_open_studies_says_so(make_study):
    make_study("one")
    make_study("two")
    at = open_app()
    text = " ".join(i.value for i in at.info)
    assert "2 studies are open" in text and "No study is open" not in text  # 11.11


@pytest.mark.parametrize("bad", [{"PROLIFIC_PID": "x" * 250}, {"PROLIFIC_PID": "ab\x00cd"},
                                 {"PROLIFIC_PID": "ok", "SESSION_ID": "s" * 300}, {"study": "no such/study"}])
def test_bad_panel_ids_get_a_polite_page_and_store_nothing_on_postgresql(bad, pg_url, monkeypatch, tmp_path):
    """Issue 14.4: a 250-character id or a NUL used to crash the page on PostgreSQL."""
    from benchmark.studies import StudySpec, create_study, open_store
    from tests.studies.fixtures import make_run

    monkeypatch.setenv("CREATIVITY_BENCH_DB", pg_url)
    monkeypatch.delenv("CREATIVITY_BENCH_STUDY", raising=False)
    store = open_store(pg_url)
    if not any(s["study_id"] == "pgids" for s in store.list_studies()):
        create_study(store, StudySpec("pgids", k=1, check_rate=0), runs=[make_run(tmp_path / "r")])
    at = open_app(**({"study": "pgids"} | bad))
    assert not at.exception and _titles(at) == ["This link is not valid"]
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(Rater).where(Rater.study_id == "pgids")).scalar() == 0


def test_practice_gives_feedback(make_study):
    make_study()
    at = open_app(**PROLIFIC)
    at.button(key="consent_yes").click().run()
    at.button(key="instructions_next").click().run()
    assert not [s for s in at.success if s.value.startswith("Feedback")]
    answer_all(at).run()
    assert len([s for s in at.success if s.value.startswith("Feedback")]) == 2  # 11.15: one per example


def test_withdrawn_rater_cannot_start_again(make_study):
    store = make_study()
    rate_until_done(through_practice(open_app(**PROLIFIC)), limit=1)
    store.withdraw("s", "pp1")
    at = open_app(**PROLIFIC)
    assert _titles(at) == ["You have withdrawn"] and not any(b.key == "submit" for b in at.button)


def test_admin_is_refused_without_a_configured_secret(make_study):
    make_study()
    at = open_app(page="admin")
    assert any("disabled" in e.value for e in at.error)
    assert not at.dataframe and not at.text_input


def _admin(monkeypatch, secret="s3cret"):
    monkeypatch.setenv("CREATIVITY_BENCH_ADMIN_SECRET", secret)
    at = open_app(page="admin")
    at.text_input(key="admin_secret_input").input(secret).run()
    return at


def test_admin_shows_codes_progress_raters_sources_and_confirms_closing(make_study, monkeypatch):
    store = make_study(codes=CODES, check_rate=0.5, min_time_s=3)
    store.enter("s", "pp1", prolific_pid="pp1", panel_study_id="panel-7", session_id="sess-9")
    for t in (1000.0, 2000.0):  # two answers, 10 s each (the store's clock is a parameter)
        a = store.claim("s", "pp1", now=t)
        store.submit("s", "pp1", a["item_id"], dict.fromkeys(("originality", "usefulness", "surprise", "overall"), 4),
                     now=t + 10)
    monkeypatch.setenv("CREATIVITY_BENCH_ADMIN_SECRET", "s3cret")
    at = open_app(page="admin")
    at.text_input(key="admin_secret_input").input("nope").run()
    assert any("Wrong secret" in e.value for e in at.error) and not at.dataframe
    at.text_input(key="admin_secret_input").input("s3cret").run()
    assert not at.exception
    codes = _frame(at, "end", "code")
    assert dict(zip(codes["end"], codes["code"])) == CODES  # 11.1: the codes Prolific needs
    assert any("PROLIFIC_PID={{%PROLIFIC_PID%}}" in c.value for c in at.code)
    assert set(_frame(at, "source", "needed")["source"]) == {"llamacpp/smollm2", "openai/gpt-4o-mini"}
    assert list(_frame(at, "task_id", "needed")["task_id"]) == ["aut"]
    raters = _frame(at, "rater_id", "stage")
    assert {"session_id", "panel_study_id", "too_fast", "checks"} <= set(raters.columns)  # 11.10
    assert raters.loc[0, "session_id"] == "sess-9" and raters.loc[0, "panel_study_id"] == "panel-7"
    rules = " ".join(c.value for c in at.caption)
    assert "600 words per minute" in rules and "less than 3 s" in rules  # 11.14: the thresholds, stated
    board = _frame(at, "mean", "ci_low", "ci_high")  # the live leaderboard
    assert set(board["source"]) <= {"llamacpp/smollm2", "openai/gpt-4o-mini"} and len(board)
    hidden = " ".join(c.value for c in at.caption)
    assert "source: llamacpp/smollm2" in hidden or "source: openai/gpt-4o-mini" in hidden  # the item browser
    assert {b.label for b in at.get("download_button")} >= {"likert.csv", "likert.parquet"}
    at.button(key="admin_close").click().run()
    assert store.get_study("s")["status"] == "open"  # 11.15: not closed before the confirmation
    at.button(key="admin_close_confirm").click().run()
    assert store.get_study("s")["status"] == "closed"
    assert _titles(open_app(**PROLIFIC)) == ["This study is closed"]


def test_admin_secret_from_streamlit_secrets(make_study):
    from streamlit.testing.v1 import AppTest

    from tests.raters.conftest import APP

    make_study()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["admin_secret"] = "from-secrets"
    at.query_params["page"] = "admin"
    at.run()
    at.text_input(key="admin_secret_input").input("from-secrets").run()
    assert _frame(at, "rater_id", "stage") is not None


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
        rendered = " ".join(m.value for m in at.markdown) + " ".join(h.value for h in at.get("html"))
        assert "evil.test" not in rendered and "alert" not in rendered and "HEADLINE" not in rendered
        answer_all(at)
        at.button(key="submit").click().run()
    for raw in HOSTILE.values():
        assert raw in seen


def test_pairwise_says_first_and_second_and_exports_battles(make_study, app_db):
    make_study(mode="pairwise")
    at = through_practice(open_app(**PROLIFIC))
    labels = [c.value for c in at.caption] + [o for r in at.radio for o in r.options]
    assert "First answer" in labels and "Second answer" in labels  # 11.12: true side by side and stacked
    assert not [x for x in labels if "Left" in x or "Right" in x]
    n = rate_until_done(at, choice="right")
    assert n >= 1 and _titles(at) == ["Thank you!"]
    table = export_ratings(app_db, "s")["battles"]
    assert len(table) == n and set(table["winner"]) == {"right"}
    assert (table["left_source"] != table["right_source"]).all() and table["usable"].all()


def test_turing_session_with_real_human_answers_exports_guesses(make_study, app_db, shared_data, tmp_path):
    people = stevenson_humans(shared_data, tmp_path / "people.csv")
    make_study(mode="turing", objects=("fork",), humans=[people])
    at = through_practice(open_app(**PROLIFIC))
    n = rate_until_done(at, guess="ai", likert=2)
    assert n == 6 and _titles(at) == ["Thank you!"]
    table = export_ratings(app_db, "s")["guesses"]
    assert set(table["guess"]) == {"ai"} and set(table["confidence"]) == {2}
    assert set(table["source"]) == {"llamacpp/smollm2", "openai/gpt-4o-mini", "human/stevenson2022"}


def test_checklist_session_stores_yes_no_and_reasons(make_study, app_db):
    tests = [{"name": "surprise", "question": "Does an idea surprise you?"},
             {"name": "works", "question": "Would every use work?"}]
    make_study(mode="checklist", checklist=tests)
    at = through_practice(open_app(**PROLIFIC))
    n = 0
    while any(b.key == "submit" for b in at.button):
        answer_all(at, yes=1, reason="a clear reason")
        at.button(key="submit").click().run()
        n += 1
    assert n == 4 and _titles(at) == ["Thank you!"]
    likert = export_ratings(app_db, "s")["likert"]
    assert len(likert) == 4 * 2 and set(likert["dimension"]) == {"surprise", "works"}
    assert set(likert["value"]) == {1} and set(likert["reason"]) == {"a clear reason"}


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
            assert not re.search(r"^\s*(from|import)\s+benchmark\.studies\.(export|models|admin_views|live)", code,
                                 re.M), path


def test_the_redirect_script_cannot_be_closed_by_the_link():
    """Issue 14.11: a completion URL with </script> in it must not end the script."""
    from raters.pages.completion import redirect_script

    html = redirect_script("https://panel.test/done?cc=</script><script>alert(1)</script>&x='y'")
    assert html.count("<script>") == 1 and html.count("</script>") == 1
    assert "\\u003c/script\\u003e" in html and "alert(1)" in html


def test_home_and_admin_link_the_leaderboard_page_which_renders(app_db, tmp_path, monkeypatch):
    from benchmark.paths import REPO_ROOT

    if not (REPO_ROOT / "raters" / "pages" / "leaderboard.py").exists():
        pytest.skip("raters/pages/leaderboard.py (the analysis stage) is not installed")
    home = open_app()
    assert any("page=leaderboard" in m.value for m in home.markdown)
    monkeypatch.setenv("CREATIVITY_BENCH_RESULTS", str(tmp_path / "no-results"))
    board = open_app(page="leaderboard")
    assert not board.exception and [t.value for t in board.title] == ["Leaderboard"]
