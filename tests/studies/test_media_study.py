"""Studies of images and sounds: what is served, what the store keeps, export and analyze.

Real files with planted metadata go through the real import, the real re-encoders and the
real SQLite store; nothing is mocked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmark.cli import main
from benchmark.media import find_metadata, probe
from benchmark.studies import Store, StudySpec, create_study, export_ratings
from benchmark.studies.media_items import item_media, served_bytes
from tests.media.study_media import AUDIO_SOURCES, IMAGE_SOURCES, LEAKS, media_run

OPAQUE = re.compile(r"^[0-9a-f]{20}\.(png|wav)$")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("media-runs")
    return {"image": media_run(root, "image"), "audio": media_run(root, "audio")}


def _store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'ratings.db'}")


def test_an_image_pairwise_study_serves_only_clean_squares_under_opaque_names(tmp_path, runs):
    store = _store(tmp_path)
    summary = create_study(store, StudySpec("img", mode="pairwise", k=2, check_rate=0), runs=[runs["image"]])
    assert summary["media"]["images"] == 4 and summary["media"]["sounds"] == 0
    cfg = store.config("img")
    served = Path(cfg["media"]["dir"])
    assert served == (tmp_path / "media" / "img").resolve()
    names = sorted(p.name for p in served.iterdir())
    assert len(names) == 4 and all(OPAQUE.fullmatch(n) for n in names)  # nothing else in the folder
    sizes = set()
    for n in names:
        data = (served / n).read_bytes()
        info = probe(data)
        sizes.add((info.width, info.height))
        assert info.media_type == "image/png" and find_metadata(data, "image/png") == []
        assert not any(s.encode() in data for s in LEAKS)
    assert sizes == {(768, 768)}  # one square size: a pair shows at the same size
    # what pages can read (the config) names no source, file or path of the run
    blob = json.dumps(cfg).lower()
    assert not any(s.lower() in blob for s in LEAKS) and str(runs["image"]).lower() not in blob
    items = store.items("img", kind="item")
    assert len(items) == 2
    media = item_media(store, "img", items[0]["item_id"])
    assert [m["type"] for m in media] == ["image/png", "image/png"]
    assert item_media(store, "img", items[0]["item_id"], swapped=True) == media[::-1]
    assert served_bytes(cfg, media[0]) == (served / media[0]["name"]).read_bytes()
    with pytest.raises(Exception):
        served_bytes(cfg, {"name": "../ratings.db"})
    # replacing the study serves new files under new names (a fresh secret), and only those
    create_study(store, StudySpec("img", mode="pairwise", k=2, check_rate=0), runs=[runs["image"]], replace=True)
    again = sorted(p.name for p in served.iterdir())
    assert len(again) == 4 and not set(again) & set(names)
    assert sorted(f["name"] for f in store.config("img")["media"]["files"].values()) == again


def test_an_audio_study_raises_the_servers_minimum_time_to_the_listening_time(tmp_path, runs):
    store = _store(tmp_path)
    spec = StudySpec("snd", mode="likert", k=1, check_rate=0, min_time_s=1, media={"listen_s": 4, "samplerate": 22050})
    create_study(store, spec, runs=[runs["audio"]])
    cfg = store.config("snd")
    assert cfg["min_time_s"] == 4 and cfg["media"]["listen_s"] == 4 and cfg["media"]["kinds"] == ["audio"]
    create_study(store, StudySpec("snd0", mode="likert", k=1, check_rate=0, media={"listen_s": 0}), runs=[runs["audio"]])
    create_study(store, StudySpec("snd2", mode="pairwise", k=1, check_rate=0, media={"listen_s": 4}), runs=[runs["audio"]])
    assert store.config("snd2")["min_time_s"] == 8  # a pair: one sound after the other
    assert abs(cfg["seconds_per_item"] - store.config("snd0")["seconds_per_item"] - 4) < 0.15  # listening is planned for
    for entry in cfg["media"]["files"].values():
        data = served_bytes(cfg, entry)
        info = probe(data)
        assert (info.media_type, info.samplerate, info.channels) == ("audio/wav", 22050, 2)
        assert find_metadata(data, "audio/wav") == [] and not any(s.encode() in data for s in LEAKS)
    # a submit before the sound could have been heard is refused by the server
    store.enter("snd", "r1")
    a = store.claim("snd", "r1")
    dims = [d["name"] for d in store.item_view("snd", a["item_id"])["dimensions"]]
    assert store.submit("snd", "r1", a["item_id"], dict.fromkeys(dims, 3)).status == "too_fast"


def _rate_all(store: Store, study: str) -> None:
    for n, rater in enumerate(("ann", "bob", "cyd")):
        store.enter(study, rater)
        i = 0
        while (a := store.claim(study, rater)) is not None:
            view = store.item_view(study, a["item_id"], a["swapped"])
            if store.config(study)["mode"] == "pairwise":
                values = {d["name"]: ("left", "right")[(i + n) % 2] for d in view["dimensions"]}
            else:
                values = {d["name"]: 1 + (i + n) % 5 for d in view["dimensions"]}
            assert store.submit(study, rater, a["item_id"], values).status == "stored"
            i += 1


def _report(url: str, study: str, out: Path) -> dict:
    assert main(["analyze", "--db", url, "--study", study, "--out", str(out), "--n-boot", "50", "--n-perm", "99"]) == 0
    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 0
    return json.loads((out / "report.json").read_text())


def test_export_and_analyze_give_the_same_report_as_for_text(tmp_path, runs):
    from tests.studies.fixtures import make_run

    url = f"sqlite:///{tmp_path / 'ratings.db'}"
    store = Store(url)
    text_run = make_run(tmp_path / "text-run", objects=("brick", "fork"), samples=1)
    for study, mode, run, media in (("pw", "pairwise", runs["image"], {}), ("lk", "likert", runs["audio"], {"listen_s": 0}),
                                    ("pw-text", "pairwise", text_run, {}), ("lk-text", "likert", text_run, {})):
        create_study(store, StudySpec(study, mode=mode, k=3, check_rate=0, min_time_s=0, media=media), runs=[run])
        _rate_all(store, study)
    battles = export_ratings(url, "pw")["battles"]
    assert len(battles) == 2 * 3 and set(battles[["left_source", "right_source"]].stack()) == set(IMAGE_SOURCES)
    assert list(battles.columns) == list(export_ratings(url, "pw-text")["battles"].columns)
    likert = export_ratings(url, "lk")["likert"]
    assert set(likert["source"]) == set(AUDIO_SOURCES) and likert["value"].notna().all()
    assert list(likert.columns) == list(export_ratings(url, "lk-text")["likert"].columns)
    for study, mode in (("pw", "battles"), ("lk", "likert")):
        rep, text_rep = _report(url, study, tmp_path / study), _report(url, f"{study}-text", tmp_path / f"{study}-t")
        assert rep["modes"] == text_rep["modes"] == [mode]
        assert set(rep) == set(text_rep)  # the same sections as a text study's report
    rep = json.loads((tmp_path / "lk" / "report.json").read_text())
    assert {m["source"] for m in rep["means"]} == set(AUDIO_SOURCES)
    assert rep["comparisons"], rep["notes"]  # human/artists-pilot against the generator, as for text


def test_a_media_path_leaving_the_run_folder_is_one_line_and_leaves_nothing(tmp_path, runs, capsys):
    import pandas as pd

    run = tmp_path / "evil-run"
    run.mkdir()
    df = pd.read_parquet(runs["image"] / "responses.parquet")
    df.loc[0, "media_path"] = "../../etc/passwd"
    df.to_parquet(run / "responses.parquet")
    db = tmp_path / "ratings.db"
    code = main(["study", "create", "--id", "evil", "--mode", "pairwise", "--run", str(run), "--db", f"sqlite:///{db}"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "leaves the run folder" in err and "row 1" in err
    assert not db.exists() and not (tmp_path / "media").exists()


def test_a_file_that_does_not_decode_stops_the_study_before_anything_is_written(tmp_path, runs):
    import shutil

    from benchmark.errors import BenchError

    run = tmp_path / "broken-run"
    shutil.copytree(runs["image"], run)
    victim = sorted((run / "media").iterdir())[0]
    victim.write_bytes(victim.read_bytes()[: 200])  # cut short after the import
    store = _store(tmp_path)
    with pytest.raises(BenchError, match="cannot re-encode"):
        create_study(store, StudySpec("cut", mode="pairwise", k=1, check_rate=0), runs=[run])
    assert store.list_studies() == []
    assert not (tmp_path / "media").exists()  # not even the folder it would have been served from


def test_study_create_from_a_config_with_media_settings(tmp_path, runs, capsys):
    cfg = tmp_path / "cfg" / "study.yaml"
    cfg.parent.mkdir()
    cfg.write_text(f"id: songs\nmode: likert\nk: 2\nruns: [{runs['audio']}]\n"
                   "media: {listen_s: 7, samplerate: 16000, channels: 1, dir: served}\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'ratings.db'}"
    assert main(["study", "create", "--config", str(cfg), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "0 image(s) and 4 sound(s) re-encoded and served blind" in out and "must play 7 s" in out
    store = Store(url)
    media = store.config("songs")["media"]
    assert Path(media["dir"]) == (cfg.parent / "served").resolve() and len(list(Path(media["dir"]).iterdir())) == 4
    assert store.config("songs")["min_time_s"] == 7 and media["policy"]["samplerate"] == 16000
    cfg.write_text(cfg.read_text().replace("listen_s: 7", "listen_seconds: 7"), encoding="utf-8")
    assert main(["study", "create", "--config", str(cfg), "--db", url, "--replace"]) == 2
    assert "listen_seconds" in capsys.readouterr().err


def test_a_bad_media_setting_from_the_library_is_one_line(tmp_path, runs):
    from benchmark.errors import BenchError

    store = _store(tmp_path)
    for bad, words in (({"listen_seconds": 3}, "media.listen_seconds"), ({"listen_s": -1}, "media.listen_s")):
        with pytest.raises(BenchError, match=words) as err:
            create_study(store, StudySpec("bad", mode="likert", k=1, media=bad), runs=[runs["audio"]])
        assert "\n" not in str(err.value)
    assert store.list_studies() == [] and not (tmp_path / "media").exists()


def test_a_media_study_on_postgresql_serves_from_its_media_dir(tmp_path, runs):
    from benchmark.studies.store import close_stores
    from tests.studies.fixtures import pg_schema_url

    url, drop = pg_schema_url()
    try:
        store = Store(url)
        spec = StudySpec("pg-img", mode="pairwise", k=1, check_rate=0, media={"dir": str(tmp_path / "shared")})
        create_study(store, spec, runs=[runs["image"]])
        cfg = store.config("pg-img")
        assert Path(cfg["media"]["dir"]) == (tmp_path / "shared").resolve()
        item = store.items("pg-img", kind="item")[0]["item_id"]
        assert all(served_bytes(cfg, m) for m in item_media(store, "pg-img", item))
        store.dispose()
    finally:
        close_stores()
        drop()
