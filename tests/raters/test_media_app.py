"""Rater screens of media studies in Streamlit's AppTest: turing with images, the listening
gate of audio, and respond-mode uploads (real files through the real checks and store)."""

from __future__ import annotations

import pytest

from benchmark.studies import StudySpec, create_study, export_ratings, open_store
from benchmark.studies.media_uploads import upload_dir
from tests.media.planted import pixels, planted_png
from tests.media.study_media import IMAGE_SOURCES, media_run
from tests.raters.conftest import answer_all, open_app, rate_until_done, through_practice


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("media-runs")
    return {"image": media_run(root, "image"), "audio": media_run(root, "audio")}


def test_a_turing_study_shows_each_image_and_asks_who_made_it(app_db, runs):
    create_study(open_store(app_db), StudySpec("tur", mode="turing", k=1, check_rate=0, min_time_s=0),
                 runs=[runs["image"]])
    at = through_practice(open_app(rid="t1"))
    assert len(at.get("image")) == 1
    assert any(r.label == "**Who made this answer?**" for r in at.radio)
    assert not at.button(key="submit").disabled
    assert rate_until_done(at, guess="ai") == 4
    guesses = export_ratings(app_db, "tur")["guesses"]
    assert len(guesses) == 4 and set(guesses["source"]) == set(IMAGE_SOURCES)


def test_submit_stays_disabled_until_the_sound_has_been_heard(app_db, runs):
    create_study(open_store(app_db), StudySpec("snd", mode="likert", k=1, check_rate=0, media={"listen_s": 2}),
                 runs=[runs["audio"]])
    at = through_practice(open_app(rid="l1"))
    answer_all(at, likert=4).run()
    assert at.button(key="submit").disabled
    assert any("Please listen to each sound (at least 2 seconds" in c.value for c in at.caption)


def test_respond_mode_takes_an_upload_and_refuses_a_renamed_text_file(app_db):
    store = open_store(app_db)
    create_study(store, StudySpec("art", mode="respond", pool="artists", tasks=["poster"], max_items=2))
    at = open_app(rid="artist1")
    at.button(key="consent_yes").click().run()
    at.button(key="instructions_next").click().run()
    at.file_uploader[0].upload("notes.png", b"this is text, not a picture\n" * 20, "image/png").run()
    at.button(key="respond_submit").click().run()
    assert any("This file cannot be used: the file is not a complete image" in w.value for w in at.warning)
    assert store.respond_done("art", "artist1") == set()
    at.file_uploader[0].set_value(("My Poster (GPS).png", planted_png(pixels(60, 40)), "image/png"))
    at.text_input(key=at.text_input[0].key).input("Spin")
    at.run()
    at.button(key="respond_submit").click().run()
    assert len(store.respond_done("art", "artist1")) == 1
    saved = [p.name for p in upload_dir(store.url, "art", store.config("art")).iterdir()]
    assert len(saved) == 1 and saved[0].startswith("poster.") and "GPS" not in saved[0]
