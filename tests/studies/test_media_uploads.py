"""Respond mode with uploads: human artists' files become a human/<pool> source, cleaned.

The uploads are real files with planted metadata; they pass through the real checks and
re-encoders into the real SQLite store, are exported as a run and pooled into a study.
"""

from __future__ import annotations

import pandas as pd
import pytest

from benchmark.errors import BenchError
from benchmark.media import find_metadata, probe
from benchmark.studies import Store, StudySpec, create_study, write_responses
from benchmark.studies.media_uploads import save_upload, upload_dir
from tests.media.planted import PLAIN, pixels, planted_audio, planted_jpeg, planted_png, tone
from tests.media.study_media import media_run


@pytest.fixture
def respond(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'ratings.db'}")
    create_study(store, StudySpec("art", mode="respond", pool="artists", tasks=["poster"], media={"max_mb": 0.2}))
    rater = store.enter("art", "p1")
    items = {i["item_id"]: i for i in store.config("art")["respond_items"]}
    return store, rater, items


def _uploads(store) -> list[str]:
    folder = upload_dir(store.url, "art", store.config("art"))
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_uploaded_image_is_stored_clean_under_a_name_without_the_person(respond):
    store, rater, items = respond
    name = save_upload(store, "art", rater, items["laundromat_jazz"], planted_jpeg(pixels(80, 60, seed=3)))
    assert name == "poster.laundromat_jazz.0.png" and _uploads(store) == [name]
    data = (upload_dir(store.url, "art", store.config("art")) / name).read_bytes()
    assert probe(data).media_type == "image/png" and (probe(data).width, probe(data).height) == (80, 60)
    assert find_metadata(data, "image/png") == [] and not any(s in data for s in PLAIN)


@pytest.mark.parametrize("bad, why", [
    (b"just some words, not a picture\n" * 10, "not a complete image or sound"),
    (planted_png(pixels(64, 64))[:300], "not a complete image or sound"),
    (b"\x89PNG" + bytes(300_000), "over the 0.2 MB limit"),
])
def test_a_bad_upload_is_one_sentence_and_nothing_is_stored(respond, bad, why):
    store, rater, items = respond
    with pytest.raises(BenchError, match=why) as err:
        save_upload(store, "art", rater, items["night_library"], bad)
    assert "\n" not in str(err.value) and _uploads(store) == []


def test_a_sound_for_an_image_task_is_refused(respond, tmp_path):
    store, rater, items = respond
    wav = planted_audio(tmp_path / "x.wav", "wav", tone(0.5))
    with pytest.raises(BenchError, match="asks for an image"):
        save_upload(store, "art", rater, items["seed_swap"], wav.read_bytes())
    assert _uploads(store) == []


def test_uploads_export_as_a_human_run_that_a_pairwise_study_pools_with_a_generator(respond, tmp_path):
    store, rater, items = respond
    spec = items["laundromat_jazz"]
    save_upload(store, "art", rater, spec, planted_png(pixels(50, 70, seed=8)))
    store.respond_save("art", "p1", spec, "Spin cycle in blue")
    out = tmp_path / "export"
    write_responses(store.url, "art", out)
    df = pd.read_parquet(out / "responses.parquet")
    assert df[["source", "media_path", "media_type", "text"]].to_dict("records") == [
        {"source": "human/artists", "media_path": "media/poster.laundromat_jazz.0.png", "media_type": "image/png",
         "text": "Spin cycle in blue"}]
    assert (out / "media" / "poster.laundromat_jazz.0.png").is_file()
    gen = media_run(tmp_path, "image")
    summary = create_study(store, StudySpec("vs", mode="pairwise", k=1, check_rate=0, tasks=["poster"]),
                           runs=[gen], humans=[out])
    assert "human/artists" in summary["sources"] and summary["items"] >= 1 and summary["media"]["images"] >= 2


def test_withdrawing_deletes_the_participants_uploaded_files(respond, capsys):
    from benchmark.cli import main

    store, rater, items = respond
    other = store.enter("art", "p2")
    for who, r in (("p1", rater), ("p2", other)):
        save_upload(store, "art", r, items["seed_swap"], planted_png(pixels(30, 30)))
        store.respond_save("art", who, items["seed_swap"], "")
    assert _uploads(store) == ["poster.seed_swap.0.png", "poster.seed_swap.1.png"]
    assert main(["study", "withdraw", "--study", "art", "--rater", "p1", "--db", store.url]) == 0
    assert "and 1 uploaded file(s)" in capsys.readouterr().out
    assert _uploads(store) == ["poster.seed_swap.1.png"]  # the other participant's work stays
