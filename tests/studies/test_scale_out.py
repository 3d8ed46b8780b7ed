"""Scale-out (issue 14): two ``creativity-bench rate`` servers, real processes, on one
PostgreSQL store, with real Chromium sessions on each.

Three raters; one starts on server A and finishes on server B (a new device, the same
panel link). Afterwards: every item has exactly k ratings from k different raters, every
pressed Submit is in the store once, and no rater was shown an item twice, on either
server. Every wait is on an event: a server's log line, a page's text, a count.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmark.paths import REPO_ROOT
from benchmark.studies import Store, StudySpec, create_study
from benchmark.studies.models import Assignment, Rating, Slot
from tests.raters.browser import MAIN, answer_and_press, answer_scales, free_port, idle, launch_browser, through_practice
from tests.studies.fixtures import make_run

K = 2
CODE = "SCALE-OUT-1"
ANSWER = re.compile(r"answer \d \d: stack it as a \w+")  # the one answer a likert screen shows
# distinct texts, so a repeat on screen would show; placeholders made by the test, model sources only
TEXTS = {(src, "brick", s): f"- answer {n} {s}: stack it as a {word}"
         for n, src in enumerate(("llamacpp/smollm2", "openai/gpt-4o-mini"))
         for s, word in enumerate(("wall", "step", "shelf"))}


class RateServer:
    """``creativity-bench rate --db URL --study S --port P`` as a child process; ready when
    Streamlit's log says where it listens."""

    def __init__(self, db_url: str, study: str, log: Path):
        self.port, self.log = free_port(), log
        self.ready = threading.Event()
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
        cmd = [sys.executable, "-m", "benchmark.cli", "rate", "--db", db_url, "--study", study,
               "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        with open(self.log, "ab") as out:
            for line in self.proc.stdout:
                out.write(line)
                out.flush()
                if b"URL:" in line:  # "Local URL: http://..." once the server listens
                    self.ready.set()
        self.ready.set()  # exited: wait() below reports it

    def wait(self) -> "RateServer":
        assert self.ready.wait(120), f"server did not start: {self.log.read_text()[-1500:]}"
        assert self.proc.poll() is None, f"server exited: {self.log.read_text()[-1500:]}"
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


def _screen(page) -> str | None:
    """The answer text on screen, or None on an end screen (no Submit button)."""
    idle(page)
    page.locator(f".st-key-submit button, :text('{CODE}')").first.wait_for(timeout=60_000)
    idle(page)
    if not page.locator(".st-key-submit button").count():
        return None
    page.get_by_text(ANSWER).first.wait_for(timeout=30_000)
    return ANSWER.search(page.inner_text(MAIN)).group(0)


def test_two_rate_servers_on_one_postgresql_store(browser, pg_url, tmp_path):
    store = Store(pg_url)
    run = make_run(tmp_path / "run", objects=("brick",), samples=2, texts=TEXTS)
    info = create_study(store, StudySpec("scale", k=K, min_time_s=0, check_rate=0, items_per_rater=0,
                                         completion_code=CODE), runs=[run])
    n_items = info["items"]  # 4 items x k=2 = 8 ratings for three raters
    a = RateServer(pg_url, "scale", tmp_path / "a.log")
    b = RateServer(pg_url, "scale", tmp_path / "b.log")
    pages = []
    try:
        a.wait(), b.wait()
        assert a.proc.pid != b.proc.pid
        link = "/?PROLIFIC_PID={}&STUDY_ID=ps&SESSION_ID=s-{}"
        # (rater, server) in turn: "mover" starts on A and moves to B after two answers
        plan = {"mover": [a, a, b], "on_b": [b], "on_a": [a]}
        pages = {r: browser.new_page() for r in plan}
        shown: dict[str, list[str]] = {r: [] for r in plan}
        submitted = Counter()
        for r, servers in plan.items():
            through_practice(pages[r], servers[0].url + link.format(r, r))
        live = set(plan)
        while live:
            for r in sorted(live):
                page = pages[r]
                if r == "mover" and submitted[r] == 2 and page.url.startswith(a.url):
                    page.close()  # the rater goes on from another device, through server B
                    page = pages[r] = browser.new_page()
                    page.goto(b.url + link.format(r, r))
                now = _screen(page)
                if now is None:
                    live.discard(r)
                    continue
                shown[r].append(now)
                answer_and_press(page, "submit", lambda p: answer_scales(p, "4"))
                submitted[r] += 1
        for r in plan:
            assert pages[r].get_by_text(CODE).count(), r  # each session ended with the code
        assert pages["mover"].url.startswith(b.url)
    finally:
        for p in (pages.values() if isinstance(pages, dict) else []):
            p.close()
        a.stop(), b.stop()
    # nobody was shown an item twice, on either server
    for r, seen in shown.items():
        assert len(seen) == len(set(seen)), (r, seen)
    assert submitted["mover"] > 2  # the mover did rate through both servers
    with store.read() as conn:
        rows = conn.execute(select(Rating.item_id, Rating.rater_id, Rating.dimension).where(
            Rating.study_id == "scale")).all()
        open_slots = conn.execute(select(func.count()).select_from(Slot).where(
            Slot.study_id == "scale", Slot.status != "done")).scalar()
        shown_twice = conn.execute(select(Assignment.rater_id, Assignment.item_id, func.count()).where(
            Assignment.study_id == "scale").group_by(Assignment.rater_id, Assignment.item_id)
            .having(func.count() > 1)).all()
    pairs = {(i, r) for i, r, _ in rows}
    # nothing lost: every Submit pressed is one stored answer (4 dimensions each), none twice
    assert len(pairs) == sum(submitted.values()) == n_items * K and len(rows) == len(set(rows)) == 4 * n_items * K
    per_item = Counter(i for i, _ in pairs)
    assert len(per_item) == n_items and set(per_item.values()) == {K}  # exactly k, from k raters
    assert open_slots == 0 and not shown_twice
    for log in (a.log, b.log):
        assert "rater app on http://" in log.read_text()  # both were `creativity-bench rate`
    store.delete_study("scale")
    store.dispose()
