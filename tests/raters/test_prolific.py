"""A whole Prolific-style study in headless Chromium, made from a config file (issue 11's
done-when), a checklist study to its code (issue 13), and a store error that must not
reach the browser (issue 14.4). One Streamlit server and one browser serve the module.

The likert study: two raters; one, on a 390 px phone, fails the attention check and is
screened out; the other, on a 1280 px desktop, rates everything. At every item the page
must be at the top (each rater scrolls down to the Submit button first). Every dead end
(screened, declined, no work, closed) shows its code and return link. Afterwards the
export has exactly k usable ratings per item, and the panel ids on every row.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from sqlalchemy import text

from benchmark.cli import main
from benchmark.paths import REPO_ROOT
from benchmark.studies import export_ratings, open_store
from tests.raters.browser import (
    DESKTOP,
    MOBILE,
    Server,
    answer_and_press,
    answer_scales,
    idle,
    launch_browser,
    scroll_to_bottom,
    texts,
    through_practice,
    wait_answer,
    wait_at_top,
)
from tests.studies.fixtures import make_run

CODES = {"completion": "DONE-1", "screened": "SCREEN-1", "no_work": "NOWORK-1", "declined": "NOCONSENT-1",
         "closed": "CLOSED-1"}
LONG = "\n".join(f"- use {i} of the brick: a sentence long enough to make the page taller than a screen"
                 for i in range(25))
TEXTS = {(s, "brick", i): f"- answer {n + 1}, ready\n{LONG}"  # distinct, so a new screen is seen as new
         for n, (s, i) in enumerate((s, i) for s in ("llamacpp/smollm2", "openai/gpt-4o-mini") for i in (0, 1))}


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One store with three studies made by `study create --config`, and one server."""
    tmp = tmp_path_factory.mktemp("prolific")
    db = f"sqlite:///{tmp / 'ratings.db'}"
    server = Server(db, None, tmp / "server.log")
    make_run(tmp / "run", objects=("brick",), samples=2, texts=TEXTS)
    panel = {"return_url": f"http://127.0.0.1:{server.port}/_stcore/health?cc={{code}}", "codes": CODES}
    configs = {
        "prolific": {"mode": "likert", "k": 1, "items_per_rater": 4, "min_time_s": 0,
                     "dimensions": [{"name": "originality", "description": "How original is it?"},
                                    {"name": "overall", "description": "Overall creativity"}],
                     "checks": {"rate": 0.25, "max_failed": 1},
                     "practice": [{"prompt": "Practice: uses for a paperclip.", "text": "1. a bookmark",
                                   "feedback": "An ordinary use: most raters put it low."}]},
        "checks": {"mode": "checklist", "k": 1, "max_items": 2, "min_time_s": 0, "checks": {"rate": 0},
                   "panel": {"codes": CODES},  # no return link: the page stays on its code
                   "checklist": [{"name": "surprising", "question": "Does at least one use surprise you?"},
                                 {"name": "workable", "question": "Would every use work?"}],
                   "practice": [{"prompt": "Practice: uses for a paperclip.", "text": "1. a bookmark"}]},
        "broken": {"mode": "likert", "k": 1, "min_time_s": 0, "checks": {"rate": 0}},
    }
    for study_id, cfg in configs.items():
        path = tmp / f"{study_id}.yaml"
        path.write_text(json.dumps({"id": study_id, "runs": ["run"], "panel": panel, **cfg}))  # JSON is YAML
        assert main(["study", "create", "--config", str(path), "--db", db, "--json"]) == 0
    with open_store(db).write() as conn:  # a store that fails on every stage change of one study
        conn.execute(text("CREATE TRIGGER boom BEFORE UPDATE ON raters WHEN NEW.study_id = 'broken' "
                          "BEGIN SELECT RAISE(ABORT, 'boom in the store'); END"))
    server.start()
    yield server, db
    server.stop()


def _link(server, study: str, pid: str) -> str:
    return f"{server.url}/?study={study}&PROLIFIC_PID={pid}&STUDY_ID=prolific-{study}&SESSION_ID=session-{pid}"


def _end(page, code: str, link: bool = True) -> None:
    """The page shows this code (and a return link to the panel with it)."""
    page.get_by_text(code, exact=True).first.wait_for(timeout=30_000)
    if link:
        href = page.locator('[data-testid="stLinkButton"] a').first.get_attribute("href")
        assert href.endswith(f"/_stcore/health?cc={code}"), href


def _check_asked(page) -> int | None:
    shown = " ".join(texts(page))
    return int(shown.split("every scale ")[1][0]) if "attention check" in shown else None


def _rate(page, total: int, *, fail_check: bool) -> list[str]:
    """Rate screen after screen, checking the scroll position at each; returns the kinds seen."""
    kinds = []
    for n in range(1, total + 1):
        wait_answer(page, n, total)
        wait_at_top(page)  # every new item starts at the top
        asked = _check_asked(page)
        down = scroll_to_bottom(page)
        assert asked or down > 200  # an item's page is long: the check above means something
        kinds.append("check" if asked else "item")
        value = str(asked % 5 + 1 if fail_check else asked) if asked else "4"
        answer_and_press(page, "submit", lambda p, v=value: answer_scales(p, v))
        if asked and fail_check:
            break
    return kinds


def test_a_prolific_study_from_a_config_file_runs_to_exactly_k_usable_ratings(site, browser):
    server, db = site
    phone = browser.new_page(viewport=MOBILE)
    desk = browser.new_page(viewport=DESKTOP)
    try:
        through_practice(phone, _link(server, "prolific", "careless"), lambda p: answer_scales(p, "3"))
        kinds = _rate(phone, 5, fail_check=True)
        assert kinds[-1] == "check" and kinds.count("item") >= 1
        phone.get_by_text("attention checks were not answered").wait_for(timeout=30_000)
        _end(phone, "SCREEN-1")

        through_practice(desk, _link(server, "prolific", "careful"))
        kinds = _rate(desk, 5, fail_check=False)
        assert sorted(kinds) == ["check", "item", "item", "item", "item"]
        desk.wait_for_url("**/_stcore/health?cc=DONE-1", timeout=30_000)  # back to the panel, with the code

        desk.goto(_link(server, "prolific", "declines"))
        desk.locator(".st-key-consent_no button").wait_for(timeout=60_000)
        desk.locator(".st-key-consent_no button").click()
        idle(desk)
        _end(desk, "NOCONSENT-1")

        through_practice(phone, _link(server, "prolific", "late"))
        phone.get_by_text("No work left").wait_for(timeout=30_000)
        _end(phone, "NOWORK-1")

        assert main(["study", "close", "--study", "prolific", "--db", db]) == 0
        phone.goto(_link(server, "prolific", "after-close"))
        phone.get_by_text("This study is closed").wait_for(timeout=60_000)
        _end(phone, "CLOSED-1")
    finally:
        phone.close()
        desk.close()
    likert = export_ratings(db, "prolific")["likert"]
    real = likert[~likert["is_check"]]
    per_item = real[real["usable"]].drop_duplicates(["item_id", "rater_id"]).groupby("item_id").size()
    assert len(per_item) == 4 and set(per_item) == {1}  # k = 1 usable rating per item
    assert set(real.loc[~real["usable"], "rater_id"]) == {"careless"}
    assert set(likert["rater_stage"]) == {"screened", "done"}
    ids = likert.drop_duplicates("rater_id").set_index("rater_id")
    assert ids.loc["careful", ["prolific_pid", "panel_study_id", "session_id"]].tolist() == [
        "careful", "prolific-prolific", "session-careful"]
    assert ids.loc["careless", "session_id"] == "session-careless"


def test_a_checklist_study_runs_to_its_code_on_a_phone(site, browser, artifacts_dir):
    server, db = site
    page = browser.new_page(viewport=MOBILE)

    def yes_no(p, reason: str | None = None) -> None:
        answer_scales(p, "Yes", prefix="chk_")
        if reason:
            p.locator('[class*="st-key-why_surprising"] input').fill(reason)
            p.keyboard.press("Tab")
            idle(p)

    try:
        through_practice(page, _link(server, "checks", "reader"), yes_no)
        for n in (1, 2):
            wait_answer(page, n, 2)
            wait_at_top(page)
            if n == 1:  # the questions, as a phone shows them below the answer
                page.evaluate("document.querySelector('[class*=\"st-key-chk_\"]').scrollIntoView()")
                shot = artifacts_dir / "checklist-phone.png"
                page.screenshot(path=str(shot))
                if os.environ.get("UPDATE_DOCS_SCREENSHOT"):  # refresh the README's picture on request only
                    shutil.copyfile(shot, REPO_ROOT / "docs" / "img" / "checklist-phone.png")
            scroll_to_bottom(page)
            answer_and_press(page, "submit", lambda p: yes_no(p, "the brick becomes a stage"))
        _end(page, "DONE-1", link=False)
    finally:
        page.close()
    likert = export_ratings(db, "checks")["likert"]
    assert len(likert) == 2 * 2 and set(likert["value"]) == {1}
    assert set(likert.loc[likert["dimension"] == "surprising", "reason"]) == {"the brick becomes a stage"}


def test_a_store_error_shows_a_friendly_page_and_no_internals(site, browser):
    server, _ = site
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(_link(server, "broken", "unlucky"))
        page.locator(".st-key-consent_yes button").wait_for(timeout=60_000)
        page.locator(".st-key-consent_yes button").click()
        page.get_by_text("Sorry, something went wrong").wait_for(timeout=30_000)
        idle(page)
        html = page.content()
    finally:
        page.close()
    for secret in ("boom in the store", "Traceback", "sqlalchemy", "sqlite3", "UPDATE raters", "IntegrityError",
                   ".py"):
        assert secret not in html, secret
    error_id = html.split("quote error ")[1][:8]
    log = server.log.read_text()
    assert f"error id {error_id}" in log and "boom in the store" in log  # the details are on the server
