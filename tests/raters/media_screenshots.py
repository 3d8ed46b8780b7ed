"""Refresh the README's two media pictures from the demo study, in headless Chromium.

    python -m tests.raters.media_screenshots          # writes docs/img/media-*.png

It builds the demo study (``media demo --study``: procedural files, never human) in a
temporary folder, serves it with the real app and photographs the first item of the image
pairwise study and of the audio likert study (after the clip has been listened to).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmark.paths import REPO_ROOT
from tests.raters.browser import Server, answer_and_press, answer_scales, click, idle, wait_answer

CHROMIUM = "/usr/bin/chromium"


def _choose_first(page) -> None:
    groups = page.locator('[class*="st-key-pw_"]')
    for i in range(groups.count()):
        groups.nth(i).get_by_text("The first is more creative", exact=True).click()
        idle(page)


def _first_item(page, link: str, practice) -> None:
    page.goto(link)
    page.locator(".st-key-consent_yes button").wait_for(timeout=60_000)
    click(page, "consent_yes")
    page.get_by_text("Instructions").first.wait_for(timeout=30_000)
    click(page, "instructions_next")
    page.get_by_text("Example 1").wait_for(timeout=30_000)
    answer_and_press(page, "practice_done", practice)
    wait_answer(page, 1)


def main(out: Path = REPO_ROOT / "docs" / "img") -> list[Path]:
    from playwright.sync_api import sync_playwright

    from benchmark.media.demo_study import AUDIO_STUDY, IMAGE_STUDY, make_demo_study

    shots = []
    with tempfile.TemporaryDirectory() as tmp:
        made = make_demo_study(Path(tmp) / "demo", progress=False)
        server = Server(made["db"], None, Path(tmp) / "server.log").start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1100, "height": 1000})
                _first_item(page, f"{server.url}/?study={IMAGE_STUDY}&rid=docs-images", _choose_first)
                page.locator('[data-testid="stImage"] img').nth(1).wait_for()
                shots.append(out / "media-pairwise.png")
                page.screenshot(path=str(shots[-1]), full_page=True)
                _first_item(page, f"{server.url}/?study={AUDIO_STUDY}&rid=docs-audio", lambda pg: answer_scales(pg, "3"))
                frame = page.locator('iframe[title*="listen_player"]').element_handle().content_frame()
                frame.locator("#play").click()
                frame.wait_for_function("document.body.dataset.done === '1'", timeout=30_000)
                page.wait_for_function("!document.querySelector('.st-key-submit button').disabled", timeout=30_000)
                idle(page)
                shots.append(out / "media-audio-likert.png")
                page.screenshot(path=str(shots[-1]), full_page=True)
                browser.close()
        finally:
            server.stop()
    return shots


if __name__ == "__main__":
    for shot in main():
        print(shot)
