"""Driving the rater app in headless Chromium: a server, a browser, and waits on events.

Every wait here is on something the page does (no stale elements, a text, a scroll
position), never a fixed sleep. On a loaded machine the browser's websocket can drop and
reconnect; Streamlit then starts a fresh session and unsent choices are gone (stored
answers are not: they live in the store). The app says "Please answer every ..."; like a
person, the helpers answer again.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from benchmark.commands.rate import streamlit_command
from benchmark.paths import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
MAIN = '[data-testid="stMain"]'


def launch_browser():
    """A Playwright Chromium (a generator for a fixture); skips where there is none."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does this)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``creativity-bench rate``'s streamlit command as a subprocess, on a free port."""

    def __init__(self, db_url: str, study: str | None, log: Path):
        self.db_url, self.study, self.log = db_url, study, log
        self.proc: subprocess.Popen | None = None
        self.port = free_port()

    def start(self) -> "Server":
        env = dict(os.environ, CREATIVITY_BENCH_DB=self.db_url)
        env.pop("CREATIVITY_BENCH_STUDY", None)
        if self.study:
            env["CREATIVITY_BENCH_STUDY"] = self.study
        self.proc = subprocess.Popen(streamlit_command(self.port, "127.0.0.1"), env=env, cwd=REPO_ROOT,
                                     stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("streamlit did not come up in 90 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill9(self) -> None:
        self.proc.kill()  # SIGKILL: no shutdown hooks, no flushing
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.kill9()


def idle(page) -> None:
    """Wait until Streamlit has finished the rerun a click started."""
    page.wait_for_timeout(100)
    page.wait_for_function(
        "document.querySelectorAll('[data-stale=\"true\"]').length === 0"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


def click(page, key: str) -> None:
    idle(page)
    page.locator(f".st-key-{key} button").click()
    idle(page)


def texts(page) -> list[str]:
    return page.locator('[data-testid="stText"]').all_inner_texts()


def answer_scales(page, value: str = "4", prefix: str = "dim_") -> None:
    groups = page.locator(f'[class*="st-key-{prefix}"]')
    for i in range(groups.count()):
        groups.nth(i).get_by_text(value, exact=True).click()
        idle(page)


def answer_and_press(page, key: str, answer) -> None:
    """Answer (``answer(page)``), press the button, and wait for the next screen."""
    for _ in range(3):
        answer(page)
        idle(page)
        before = texts(page)
        click(page, key)
        deadline = time.time() + 30
        while time.time() < deadline:
            idle(page)
            if page.get_by_text("Please answer every").count():
                break  # the choices were lost on the way: answer again
            if texts(page) != before or not page.locator(f".st-key-{key} button").count():
                return  # another screen (an end screen may have no answer texts at all)
            page.wait_for_timeout(100)
    raise AssertionError(f"pressing {key} did not lead to the next screen")


def through_practice(page, link: str, answer=lambda p: answer_scales(p, "3")) -> None:
    page.goto(link)
    page.locator(".st-key-consent_yes button").wait_for(timeout=60_000)
    click(page, "consent_yes")
    page.get_by_text("Instructions").first.wait_for(timeout=30_000)
    click(page, "instructions_next")
    page.get_by_text("Example 1").wait_for(timeout=30_000)
    answer_and_press(page, "practice_done", answer)


def wait_answer(page, n: int, total: int | None = None) -> None:
    """Wait for screen n (``Answer n of total``) and its Submit button."""
    label = f"Answer {n} of {total}" if total else f"Answer {n} "
    try:
        page.get_by_text(label, exact=False).first.wait_for(timeout=30_000)
    except Exception:
        out = REPO_ROOT / "test-artifacts"
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / f"browser-failure-answer{n}.png"), full_page=True)
        (out / f"browser-failure-answer{n}.txt").write_text(page.inner_text("body"))
        raise
    page.locator(".st-key-submit button").wait_for(timeout=30_000)
    idle(page)


def wait_at_top(page) -> None:
    """Wait until the page is scrolled to the top (fails after 10 s if it never is)."""
    page.wait_for_function(
        f"window.scrollY === 0 && Array.from(document.querySelectorAll('{MAIN}')).every(e => e.scrollTop === 0)",
        timeout=10_000)


def scroll_to_bottom(page) -> int:
    """Scroll the page down as a rater reading to the Submit button does; returns how far."""
    return int(page.evaluate(
        f"() => {{ const e = document.querySelector('{MAIN}'); e.scrollTop = e.scrollHeight; return e.scrollTop; }}"))
