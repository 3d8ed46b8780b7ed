"""The published leaderboard as people see it, in headless Chromium: the static
``leaderboard.html`` (sortable, pictures inline) and the app's ``?page=leaderboard``
served by a real Streamlit server that finds the results with no environment variable.
Every source x task cell shows a figure or a reason."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest

from benchmark.commands.rate import streamlit_command
from benchmark.paths import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
PUBLISHED = REPO_ROOT / "results" / "leaderboard"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def published():
    doc = json.loads((PUBLISHED / "leaderboard.json").read_text())
    return doc


def _keep(page, artifacts_dir: Path, name: str) -> None:
    shot = artifacts_dir / name
    page.screenshot(path=str(shot), full_page=False)
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):  # refresh the README's pictures on request only
        shutil.copyfile(shot, REPO_ROOT / "docs" / "img" / name)


def _check_cells(rows: list[list[str]], doc: dict) -> None:
    assert len(rows) == len(doc["sources"]) >= 8
    assert all(len(r) == len(doc["tasks"]) for r in rows)
    empty = [(i, j) for i, r in enumerate(rows) for j, c in enumerate(r) if not c.strip() or c.strip() in ("None", "nan")]
    assert not empty, empty


def test_static_page_every_cell_has_a_value_or_a_reason_and_sorts(browser, published, artifacts_dir):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto((PUBLISHED / "leaderboard.html").as_uri())
    table = page.locator("#matrix-table")
    rows = table.locator("tbody tr").evaluate_all("rs => rs.map(r => Array.from(r.cells).slice(1).map(c => c.innerText))")
    _check_cells(rows, published)
    assert page.locator("img[src^='data:image/png;base64,']").count() >= 2  # heatmap + per-task plots
    assert page.locator("img:not([src^='data:'])").count() == 0  # self-contained
    aut = published["tasks"].index("aut") + 2  # 1-based, after the Source column
    header = table.locator(f"thead th:nth-child({aut})")
    header.click()
    header.click()  # descending: the source with the highest AUT percentile first
    first = table.locator(f"tbody tr:first-child td:nth-child({aut})").get_attribute("data-sort")
    best = max(m["human_pct"] for m in published["matrix"] if m["task_id"] == "aut" and m["kind"] == "percentile")
    assert float(first) == pytest.approx(best, abs=1e-3)
    _keep(page, artifacts_dir, "leaderboard-page.png")
    page.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_app_page_finds_the_published_leaderboard_without_a_variable(browser, published, artifacts_dir, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "CREATIVITY_BENCH_RESULTS"}
    env["CREATIVITY_BENCH_DB"] = f"sqlite:///{tmp_path / 'app.db'}"
    log = tmp_path / "streamlit.log"
    proc = subprocess.Popen(streamlit_command(port, "127.0.0.1"), cwd=tmp_path, env=env,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    try:
        _wait_healthy(proc, port, log)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/?page=leaderboard")
        page.locator('[data-testid="stTable"] tbody tr').first.wait_for(timeout=90_000)
        rows = page.locator('[data-testid="stTable"] tbody tr').evaluate_all(
            "rs => rs.map(r => Array.from(r.querySelectorAll('td')).map(c => c.innerText))")
        _check_cells(rows, published)
        heads = page.locator('[data-testid="stTable"] thead th').all_inner_texts()
        assert "Alternative Uses" in heads and "aut" not in heads  # readable names
        body = page.inner_text("body")
        assert "None" not in body and str(PUBLISHED) in body
        _keep(page, artifacts_dir, "leaderboard-app.png")
        page.close()
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _wait_healthy(proc, port: int, log: Path) -> None:
    """Poll the server's health endpoint until it answers (an event, not a fixed sleep)."""
    import time

    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text()[-2000:]}")
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not come up in 90 s")
