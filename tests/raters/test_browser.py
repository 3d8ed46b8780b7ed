"""A real rater session in headless Chromium against a real Streamlit server.

From the Prolific link to the completion code (and the redirect back to the panel), with a
screenshot of the rating page; the rendered HTML never names a source; hostile responses
show as text. Then the server is killed with SIGKILL mid-session: nothing submitted is lost
and the rater resumes where they were.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from benchmark.paths import REPO_ROOT
from benchmark.studies import StudySpec, create_study, open_store
from benchmark.studies.models import Rating
from tests.raters.browser import (
    Server,
    answer_and_press,
    answer_scales,
    idle,
    launch_browser,
    texts,
    through_practice,
    wait_answer,
)
from tests.studies.fixtures import make_run

HOSTILE = {
    ("llamacpp/smollm2", "brick", 0): "<script>window.__pwned = 1</script> build a tiny wall",
    ("llamacpp/smollm2", "brick", 1): "![pixel](http://evil.test/p.png) use it as a doorstop",
    ("openai/gpt-4o-mini", "brick", 0): "[click me](http://evil.test/x) <img src=x onerror=\"window.__pwned=2\">",
}
SOURCE_WORDS = ["smollm", "llamacpp", "gpt-4o", "openai", "human/"]


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


@pytest.fixture
def study_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    return url


def _create(url: str, tmp_path: Path, **kw) -> None:
    run = make_run(tmp_path / "run-b", objects=("brick",), samples=2, texts=HOSTILE)
    spec = StudySpec("web", **{"k": 1, "min_time_s": 0, "check_rate": 0, "completion_code": "WEB-42", **kw})
    create_study(open_store(url), spec, runs=[run])


def _answer_and_press(page, key: str, value: str) -> None:
    answer_and_press(page, key, lambda p: answer_scales(p, value))


def _start_rating(page, link: str) -> None:
    through_practice(page, link)


def _wait_answer(page, n: int) -> None:
    wait_answer(page, n, 4)


def _texts(page) -> list[str]:
    return texts(page)


def _idle(page) -> None:
    idle(page)


def _assert_blind(page) -> None:
    html = page.content().lower()
    for word in SOURCE_WORDS:
        assert word not in html, word


def test_complete_session_in_chromium_from_prolific_link_to_completion_code(browser, study_db, tmp_path, artifacts_dir):
    server = Server(study_db, "web", tmp_path / "server.log")
    # the redirect target is this server's health endpoint: a real navigation, no network needed
    _create(study_db, tmp_path, completion_url=f"http://127.0.0.1:{server.port}/_stcore/health?cc={{code}}")
    server.start()
    store = open_store(study_db)
    page = browser.new_page(viewport={"width": 1280, "height": 1150})
    try:
        _start_rating(page, f"{server.url}/?PROLIFIC_PID=pw-rater&STUDY_ID=prolific-study&SESSION_ID=sess-1")
        _wait_answer(page, 1)
        page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
        _idle(page)
        shot = artifacts_dir / "rating-page.png"
        page.screenshot(path=str(shot), full_page=True)
        if os.environ.get("UPDATE_DOCS_SCREENSHOT"):  # refresh the README's picture on request only
            (REPO_ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, REPO_ROOT / "docs" / "img" / "rating-page.png")
        shown = []
        for n in range(1, 5):
            _wait_answer(page, n)
            _assert_blind(page)
            assert page.evaluate("window.__pwned === undefined")
            assert page.locator("img[src*='evil'], a[href*='evil'], img[src='x']").count() == 0
            shown.append(_texts(page))
            _answer_and_press(page, "submit", "4")
        page.wait_for_url("**/_stcore/health?cc=WEB-42", timeout=30_000)
    finally:
        page.close()
        server.kill9()
    flat = " ".join(t for texts in shown for t in texts)
    assert "<script>window.__pwned = 1</script>" in flat
    assert "![pixel](http://evil.test/p.png)" in flat and "[click me](http://evil.test/x)" in flat
    rater = store.get_rater("web", "pw-rater")
    assert (rater["panel_study_id"], rater["session_id"], rater["stage"]) == ("prolific-study", "sess-1", "done")
    with store.read() as conn:
        assert len(conn.execute(select(Rating.id).where(Rating.study_id == "web")).all()) == 4 * 4


def test_killing_the_server_mid_session_loses_no_submitted_rating(browser, study_db, tmp_path):
    _create(study_db, tmp_path)
    store = open_store(study_db)
    server = Server(study_db, "web", tmp_path / "server.log").start()
    link = "/?PROLIFIC_PID=crash-rater&STUDY_ID=ps&SESSION_ID=s1"
    page = browser.new_page()
    try:
        _start_rating(page, server.url + link)
        for n in (1, 2):
            _wait_answer(page, n)
            _answer_and_press(page, "submit", "2")
        _wait_answer(page, 3)
        server.kill9()
        with store.read() as conn:
            before = conn.execute(select(Rating.item_id, Rating.dimension, Rating.value)
                                  .where(Rating.rater_id == "crash-rater")).all()
        assert len({r[0] for r in before}) == 2 and len(before) == 8
        server.start()
        page.goto(server.url + link)
        _wait_answer(page, 3)  # resumed where the rater was
        for n in (3, 4):
            _wait_answer(page, n)
            _answer_and_press(page, "submit", "5")
        page.get_by_text("WEB-42").wait_for(timeout=30_000)
    finally:
        page.close()
        if server.proc and server.proc.poll() is None:
            server.kill9()
    with store.read() as conn:
        after = conn.execute(select(Rating.item_id, Rating.dimension, Rating.value)
                             .where(Rating.rater_id == "crash-rater")).all()
    assert set(before) <= set(after) and len(after) == len(set(after)) == 16
