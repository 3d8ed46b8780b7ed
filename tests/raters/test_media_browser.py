"""Image and audio studies in headless Chromium, from the link to the completion code.

The studies are made from exports with planted metadata (EXIF Software "Adobe Firefly",
XMP, PNG text chunks, a C2PA-style JUMBF box, ID3 and RIFF INFO tags) and file names that
name their makers. On every item the test fetches what the page shows, the images from
their URLs and the sound from its player's URL, and checks that it is one of the study's
re-encoded files, that it carries no metadata, and that neither the page nor any URL
names a file, a source or a planted string. An artist's upload in respond mode is kept
as pixels only. Waits are on the page's own events.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from benchmark.media import find_metadata
from benchmark.paths import REPO_ROOT
from benchmark.studies import StudySpec, create_study, open_store
from tests.media.study_media import LEAKS, media_run
from tests.raters.browser import DESKTOP, Server, answer_and_press, answer_scales, click, idle, launch_browser, \
    wait_answer

IMG_URL = re.compile(r"/media/[0-9a-f]+\.png$")
AUDIO_URL = re.compile(r"/media/[0-9a-f]+\.wav$")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Imported before the browser starts (Playwright's loop and the runner's asyncio.run do not mix)."""
    root = tmp_path_factory.mktemp("media-runs")
    return {"image": media_run(root, "image"), "audio": media_run(root, "audio")}


@pytest.fixture(scope="module")
def browser(runs):
    yield from launch_browser()


def _served(url: str, study: str) -> dict[str, bytes]:
    cfg = open_store(url).config(study)
    folder = Path(cfg["media"]["dir"])
    return {hashlib.sha256((folder / f["name"]).read_bytes()).hexdigest(): (folder / f["name"]).read_bytes()
            for f in cfg["media"]["files"].values()}


def _assert_page_blind(page) -> None:
    for text in [page.content(), *(f.content() for f in page.frames[1:])]:
        low = text.lower()
        for leak in LEAKS:
            assert leak.lower() not in low, leak


def _assert_clean(data: bytes, media_type: str, served: dict[str, bytes]) -> None:
    assert hashlib.sha256(data).hexdigest() in served  # exactly one of the re-encoded files
    assert find_metadata(data, media_type) == []
    assert not any(leak.encode() in data for leak in LEAKS)


def _watch_urls(page) -> list[str]:
    """Every URL the page asks for (documents, images, sounds, frames, scripts)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def _assert_urls_blind(urls: list[str]) -> None:
    assert urls
    for url in urls:
        low = url.lower()
        assert not any(leak.lower() in low for leak in LEAKS), url


def _shot(page, artifacts_dir: Path, name: str) -> None:
    page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    idle(page)
    shot = artifacts_dir / name
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):  # refresh the README's pictures on request only
        (REPO_ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, REPO_ROOT / "docs" / "img" / name)


def _choose_first(page) -> None:
    groups = page.locator('[class*="st-key-pw_"]')
    for i in range(groups.count()):
        groups.nth(i).get_by_text("The first is more creative", exact=True).click()
        idle(page)


def _submit(page, answer, next_text: str) -> None:
    """Answer, press Submit, wait for ``next_text`` (the next item's counter or the code);
    answers lost to a websocket reconnect are given again, like a person would."""
    for _ in range(3):
        answer(page)
        idle(page)
        click(page, "submit")
        try:
            page.get_by_text(next_text).first.wait_for(timeout=20_000)
            return
        except Exception:
            if not page.get_by_text("Please answer every").count():
                raise
    raise AssertionError(f"submitting did not lead to {next_text!r}")


def _consent_to_rating(page, link: str, practice_answer) -> None:
    page.goto(link)
    page.locator(".st-key-consent_yes button").wait_for(timeout=60_000)
    click(page, "consent_yes")
    page.get_by_text("Instructions").first.wait_for(timeout=30_000)
    click(page, "instructions_next")
    page.get_by_text("Example 1").wait_for(timeout=30_000)
    answer_and_press(page, "practice_done", practice_answer)


def test_an_image_pairwise_study_shows_only_the_reencoded_images_to_the_completion_code(
        runs, browser, tmp_path, artifacts_dir):
    url = f"sqlite:///{tmp_path / 'ratings.db'}"
    run = runs["image"]
    create_study(open_store(url), StudySpec("mimg", mode="pairwise", k=1, check_rate=0, min_time_s=0,
                                            completion_code="IMG-7"), runs=[run])
    served = _served(url, "mimg")
    server = Server(url, "mimg", tmp_path / "server.log").start()
    page = browser.new_page(viewport=DESKTOP)
    urls = _watch_urls(page)
    try:
        _consent_to_rating(page, f"{server.url}/?PROLIFIC_PID=img-rater", _choose_first)
        for n in (1, 2):
            wait_answer(page, n, 2)
            imgs = page.locator('[data-testid="stMain"] [data-testid="stImage"] img')
            assert imgs.count() == 2
            for i in range(2):
                imgs.nth(i).wait_for()
                page.wait_for_function("e => e.complete && e.naturalWidth > 0", arg=imgs.nth(i).element_handle())
            srcs = [imgs.nth(i).get_attribute("src") for i in range(2)]
            assert all(IMG_URL.search(s) for s in srcs), srcs
            for s in srcs:
                _assert_clean(page.request.get(server.url + s if s.startswith("/") else s).body(), "image/png", served)
            a, b = (imgs.nth(i).bounding_box() for i in range(2))
            assert (round(a["width"]), round(a["height"])) == (round(b["width"]), round(b["height"])) and a["width"] > 200
            _assert_page_blind(page)
            if n == 1:
                _shot(page, artifacts_dir, "media-pairwise.png")
                # zoom: the image's full-screen button shows it larger
                imgs.nth(0).hover()
                button = page.locator('[data-testid="stMain"] [data-testid="stElementToolbarButton"] button').first
                button.click()
                page.wait_for_function(
                    f"Array.from(document.querySelectorAll('[data-testid=\"stImage\"] img'))"
                    f".some(e => e.getBoundingClientRect().width > {a['width'] * 1.2})", timeout=10_000)
                page.keyboard.press("Escape")
                idle(page)
            _submit(page, _choose_first, "Answer 2 of 2" if n == 1 else "IMG-7")
    finally:
        page.close()
        server.kill9()
    _assert_urls_blind(urls)
    assert any(IMG_URL.search(u) for u in urls)
    assert open_store(url).get_rater("mimg", "img-rater")["stage"] == "done"


def test_an_audio_likert_study_needs_listening_and_plays_only_reencoded_sound(runs, browser, tmp_path,
                                                                              artifacts_dir):
    url = f"sqlite:///{tmp_path / 'ratings.db'}"
    run = runs["audio"]
    create_study(open_store(url), StudySpec("msnd", mode="likert", k=1, check_rate=0, min_time_s=0,
                                            completion_code="SND-9", media={"listen_s": 1}), runs=[run])
    served = _served(url, "msnd")
    server = Server(url, "msnd", tmp_path / "server.log").start()
    page = browser.new_page(viewport=DESKTOP)
    urls = _watch_urls(page)
    try:
        _consent_to_rating(page, f"{server.url}/?PROLIFIC_PID=snd-rater", lambda p: answer_scales(p, "3"))
        for n in range(1, 5):
            wait_answer(page, n, 4)
            submit = page.locator(".st-key-submit button")
            assert submit.is_disabled()  # not before listening
            frame_el = page.locator('iframe[title*="listen_player"]')
            frame_el.wait_for(timeout=30_000)
            frame = frame_el.element_handle().content_frame()
            audio = page.locator('[data-testid="stMain"] audio')
            assert audio.count() == 1
            src = audio.get_attribute("src")
            assert AUDIO_URL.search(src), src
            _assert_clean(page.request.get(server.url + src if src.startswith("/") else src).body(), "audio/wav", served)
            _assert_page_blind(page)
            if n == 1:
                _shot(page, artifacts_dir, "media-audio-likert.png")
            frame.locator("#play").click()
            frame.wait_for_function("document.body.dataset.done === '1'", timeout=30_000)
            page.wait_for_function("!document.querySelector('.st-key-submit button').disabled", timeout=30_000)
            _submit(page, lambda p: answer_scales(p, "4"), f"Answer {n + 1} of 4" if n < 4 else "SND-9")
    finally:
        page.close()
        server.kill9()
    _assert_urls_blind(urls)
    assert any(AUDIO_URL.search(u) for u in urls)
    assert open_store(url).get_rater("msnd", "snd-rater")["stage"] == "done"


def test_an_artist_uploads_a_poster_in_chromium_and_only_its_pixels_are_kept(runs, browser, tmp_path):
    from benchmark.studies.media_uploads import upload_dir
    from tests.media.planted import PLAIN, pixels, planted_jpeg

    url = f"sqlite:///{tmp_path / 'ratings.db'}"
    store = open_store(url)
    create_study(store, StudySpec("art", mode="respond", pool="artists", tasks=["poster"], max_items=1,
                                  completion_code="ART-3"))
    work = tmp_path / "Jane Doe - my poster.jpg"
    work.write_bytes(planted_jpeg(pixels(90, 120, seed=5)))
    server = Server(url, "art", tmp_path / "server.log").start()
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(f"{server.url}/?PROLIFIC_PID=artist-1")
        page.locator(".st-key-consent_yes button").wait_for(timeout=60_000)
        click(page, "consent_yes")
        page.get_by_text("upload your file").first.wait_for(timeout=30_000)
        click(page, "instructions_next")
        page.locator('input[type="file"]').set_input_files(str(work))
        # the uploaded file's chip (its name is shortened on screen; its size is not)
        page.locator('[data-testid="stFileUploader"]').get_by_text(re.compile(r"^\d+(\.\d+)?KB$")).wait_for(
            timeout=30_000)
        idle(page)
        click(page, "respond_submit")
        page.get_by_text("ART-3").first.wait_for(timeout=30_000)
    finally:
        page.close()
        server.kill9()
    (saved,) = list(upload_dir(store.url, "art", store.config("art")).iterdir())
    data = saved.read_bytes()
    assert saved.name.endswith(".0.png") and "jane" not in saved.name.lower()
    assert find_metadata(data, "image/png") == [] and not any(s in data for s in PLAIN)
    assert len(store.respond_done("art", "artist-1")) == 1
