"""Media manifests: a folder of images and sounds becomes a run, or nothing does.

Bad input (a truncated PNG, a text file renamed .png, a 200 MB file, a path out of the
manifest's folder, a missing file, an unsupported format, an unknown item) is one line
naming the row, exit code 2, and no folder is left behind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.records import MEDIA_COLUMNS, RESPONSE_COLUMNS
from benchmark.runner import run_suite
from benchmark.tasks import get_item
from tests.media.conftest import ROWS
from tests.media.planted import pixels, planted_png


def test_import_copies_files_under_safe_names_with_types_from_their_bytes(exports, tmp_path, capsys):
    out = tmp_path / "runs" / "pilot"
    assert main(["media", "import", str(exports), "--out", str(out), "--quiet"]) == 0
    assert "5 answers imported" in capsys.readouterr().out
    assert sorted(p.name for p in out.parent.iterdir()) == ["pilot"]  # no staging folder left
    df = pd.read_parquet(out / "responses.parquet")
    assert list(df.columns) == RESPONSE_COLUMNS + MEDIA_COLUMNS and len(df) == len(ROWS)
    by_item = df.set_index("item_id")
    for task, item, source, rel, text in ROWS:
        row = by_item.loc[item]
        assert row.source == source and row.task_id == task and pd.isna(row.error)
        assert row.prompt == get_item(task, item).prompt
        saved = out / row.media_path
        assert saved.parent == out / "media" and saved.read_bytes() == (exports.parent / rel).read_bytes()
        assert " " not in saved.name and saved.name.split(".")[-1] in ("png", "jpg", "mp3", "wav")
        assert row.text == text or (text is None and pd.isna(row.text))
    assert by_item.loc["night_library", "media_type"] == "image/jpeg"  # a JPEG named .png
    assert by_item.loc["night_bakery", "media_type"] == "image/png"
    assert by_item.loc["rainy_market", "media_type"] == "audio/mpeg"
    assert by_item.loc["first_snow", "media_type"] == "audio/wav"


def test_replay_hands_a_media_manifest_to_the_runner(exports, tmp_path):
    items = [get_item("poster", "laundromat_jazz").with_generation(n=1)]
    s = run_suite(f"replay/{exports}", out=tmp_path / "r", items=items, model_options={"source": "firefly/image-3"},
                  progress=False)
    assert (s.ok, s.errors) == (1, 0)
    df = pd.read_parquet(tmp_path / "r" / "responses.parquet")
    assert df["media_type"].tolist() == ["image/png"] and (tmp_path / "r" / df["media_path"].iloc[0]).is_file()


def _bad(root: Path, case: str) -> tuple[str, str]:
    """Write the bad file for ``case``; returns (media_path for the manifest, expected words)."""
    png = planted_png(pixels(32, 32))
    if case == "truncated":
        (root / "cut.png").write_bytes(png[: len(png) // 2])
        return "cut.png", "does not decode"
    if case == "truncated_header":  # cut inside the first chunks: Pillow fails while opening
        (root / "head.png").write_bytes(png[:60])
        return "head.png", "does not decode"
    if case == "text_as_png":
        (root / "notes.png").write_text("this is a text file renamed .png\n")
        return "notes.png", "not an image or audio file"
    if case == "too_big":
        with open(root / "huge.png", "wb") as fh:  # sparse: 200 MB on paper, nothing on disk
            fh.truncate(200 * 2**20)
        return "huge.png", "200.0 MB, over the 50.0 MB limit"
    if case == "dotdot":
        (root.parent / "outside.png").write_bytes(png)
        return "../outside.png", "leaves the manifest's folder"
    if case == "absolute":
        (root.parent / "abs.png").write_bytes(png)
        return str(root.parent / "abs.png"), "is absolute"
    if case == "symlink_out":
        (root.parent / "target.png").write_bytes(png)
        os.symlink(root.parent / "target.png", root / "link.png")
        return "link.png", "leaves the manifest's folder"
    if case == "truncated_wav":
        import soundfile as sf

        from tests.media.planted import tone

        sf.write(str(root / "cut.wav"), tone(0.5), 22050, subtype="PCM_16")
        data = (root / "cut.wav").read_bytes()
        (root / "cut.wav").write_bytes(data[: len(data) // 2])
        return "cut.wav", "WAV audio is truncated"
    if case == "missing":
        return "nowhere.png", "does not exist"
    if case == "gif":
        from PIL import Image

        Image.new("RGB", (8, 8)).save(root / "anim.gif")
        return "anim.gif", "unsupported image format GIF"
    raise AssertionError(case)


CASES = ["truncated", "truncated_header", "truncated_wav", "text_as_png", "too_big", "dotdot", "absolute", "symlink_out", "missing", "gif"]


@pytest.mark.parametrize("case", CASES + ["unknown_item", "declared_type"])
def test_bad_media_is_one_line_naming_the_row_and_leaves_nothing(tmp_path, capsys, case):
    root = tmp_path / "exports"
    root.mkdir()
    (root / "good.png").write_bytes(planted_png(pixels(40, 30)))
    rows = [{"task_id": "poster", "item": "laundromat_jazz", "source": "firefly/image-3", "media_path": "good.png"}]
    bad = {"task_id": "poster", "item": "night_library", "source": "firefly/image-3"}
    if case == "unknown_item":
        rows.append({**bad, "item": "night_libary", "media_path": "good.png"})
        expected = "has no item 'night_libary'"
    elif case == "declared_type":
        rows = [{**r, "media_type": "image/png"} for r in rows]
        (root / "photo.png").write_bytes((root / "good.png").read_bytes())
        from PIL import Image

        Image.open(root / "good.png").convert("RGB").save(root / "photo.png", "JPEG")
        rows.append({**bad, "media_path": "photo.png", "media_type": "image/png"})
        expected = "media_type says image/png but 'photo.png' is image/jpeg"
    else:
        rel, expected = _bad(root, case)
        rows.append({**bad, "media_path": rel})
    pd.DataFrame(rows).to_csv(root / "manifest.csv", index=False)
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "run"
    assert main(["media", "import", str(root / "manifest.csv"), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert "row 2" in err and expected in err, err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == before


def test_the_size_limit_is_configurable(tmp_path, capsys):
    root = tmp_path / "exports"
    root.mkdir()
    (root / "a.png").write_bytes(planted_png(pixels(64, 64)))
    pd.DataFrame([{"task_id": "poster", "item": "seed_swap", "source": "x/y", "media_path": "a.png"}]).to_csv(
        root / "m.csv", index=False)
    assert main(["media", "import", str(root / "m.csv"), "--out", str(tmp_path / "r"), "--max-mb", "0.001", "--quiet"]) == 2
    assert "over the 0.0 MB limit" in capsys.readouterr().err
    assert main(["media", "import", str(root / "m.csv"), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    # an import never merges into an existing run
    assert main(["media", "import", str(root / "m.csv"), "--out", str(tmp_path / "r"), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err
    shutil.rmtree(tmp_path / "r")
