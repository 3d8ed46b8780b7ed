"""Blinding, proved on files that carry what generators write into them.

Planted: EXIF Software "Adobe Firefly" and Artist, XMP, PNG tEXt/iTXt/zTXt, a C2PA-style
JUMBF box (PNG caBX, JPEG APP11), IPTC, a JPEG comment, ICC profiles; ID3 frames, a RIFF
INFO list and Vorbis comments in audio. After re-encoding: none of the strings, no
structure beyond pixels or samples, opaque names, and the same pixels and sound within
re-encoding tolerance.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.errors import BenchError
from benchmark.media import BlindingPolicy, blind_responses, find_metadata, import_manifest, probe, reencode
from benchmark.media.audio import loudness_lufs
from tests.media.conftest import ROWS
from tests.media.planted import AUDIO_PLAIN, PLAIN, pixels, planted_audio, planted_jpeg, planted_png, planted_webp, tone

OPAQUE = re.compile(r"^[0-9a-f]{20}\.(png|jpg|webp|wav|flac)$")


def _decode(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        assert not ({"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "Software", "Comment"} & set(im.info))
        return np.asarray(im.convert("RGB")).astype(int)


@pytest.mark.parametrize("make,media_type", [(planted_png, "image/png"), (planted_webp, "image/webp"),
                                             (planted_jpeg, "image/jpeg")])
def test_images_keep_their_pixels_and_lose_every_planted_field(make, media_type):
    arr = pixels(96, 64)
    planted = make(arr)
    assert probe(planted).media_type == media_type
    present = [s for s in PLAIN if s in planted]
    assert b"Adobe Firefly" in present and b"xmpmeta" in present and len(find_metadata(planted, media_type)) >= 3
    out, served_type, details = reencode(planted, BlindingPolicy(max_side=96))
    assert served_type == "image/png" and find_metadata(out, served_type) == []
    assert [s for s in PLAIN + [b"sRGB", "sRGB built-in".encode("utf-16-be")] if s in out] == []
    assert (details["width"], details["height"]) == (96, 64)
    # the pixels the original decodes to (lossy for JPEG), kept exactly up to colour-conversion rounding
    from PIL import Image

    reference = np.asarray(Image.open(io.BytesIO(planted)).convert("RGB")).astype(int)
    if media_type != "image/jpeg":
        assert np.array_equal(reference, arr)
    diff = np.abs(_decode(out) - reference)
    assert diff.max() <= 2 and diff.mean() < 0.5


def test_one_format_and_one_size_for_every_image():
    policy = BlindingPolicy(image_format="jpeg", max_side=48)
    outs = [reencode(make(pixels(w, h)), policy) for make, (w, h) in
            [(planted_png, (96, 64)), (planted_webp, (30, 60)), (planted_jpeg, (200, 200))]]
    assert {t for _, t, _ in outs} == {"image/jpeg"}
    assert [(d["width"], d["height"]) for _, _, d in outs] == [(48, 32), (24, 48), (48, 48)]
    assert all(find_metadata(data, "image/jpeg") == [] for data, _, _ in outs)


def test_exif_orientation_is_applied_before_it_is_dropped():
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    buf = io.BytesIO()
    Image.fromarray(pixels(60, 20)).save(buf, "PNG", exif=exif.tobytes())
    out, _, details = reencode(buf.getvalue(), BlindingPolicy(max_side=60))
    assert (details["width"], details["height"]) == (20, 60) and b"eXIf" not in out


@pytest.mark.parametrize("fmt,exact", [("wav", True), ("flac", True), ("mp3", False), ("ogg", False)])
def test_audio_is_one_format_rate_and_loudness_with_no_tags(tmp_path, fmt, exact):
    import soundfile as sf
    from scipy.signal import correlate, resample_poly

    src = planted_audio(tmp_path / f"clip.{fmt}", fmt, tone(1.5))
    raw = src.read_bytes()
    assert [s for s in AUDIO_PLAIN[:3] if s in raw] == AUDIO_PLAIN[:3]
    out, served_type, details = reencode(src, BlindingPolicy())
    assert served_type == "audio/wav" and find_metadata(out, served_type) == []
    assert [s for s in AUDIO_PLAIN + [b"Adobe Firefly", b"c2pa", b"ID3", b"LIST"] if s in out] == []
    y, rate = sf.read(io.BytesIO(out), always_2d=True)
    assert rate == 44100 and y.shape[1] == 2 and np.array_equal(y[:, 0], y[:, 1])
    assert abs(loudness_lufs(y, rate) - (-20.0)) < 0.5 and not details["peak_limited"]
    ref = resample_poly(tone(1.5).astype(float), 2, 1)  # 22050 -> 44100 Hz
    got = y[:, 0]
    if exact:  # lossless source: the same samples, up to the gain and 16-bit rounding
        gain = 10 ** (details["gain_db"] / 20)
        n = min(len(ref), len(got))
        assert np.corrcoef(ref[:n], got[:n])[0, 1] > 0.999 and np.abs(ref[:n] * gain - got[:n]).max() < 0.01
    else:  # lossy source: the same sound, shifted by the codec's delay
        xc = correlate(got, ref, mode="full", method="fft")
        assert xc.max() / (np.linalg.norm(got) * np.linalg.norm(ref)) > 0.95


def test_audio_details_record_the_original_and_the_result(tmp_path):
    src = planted_audio(tmp_path / "s.wav", "wav", tone(1.0, rate=48000, channels=2), rate=48000)
    out, served_type, d = reencode(src, BlindingPolicy(audio_format="flac", samplerate=16000, channels=1, lufs=-23))
    assert served_type == "audio/flac" and find_metadata(out, served_type) == []
    assert (d["original_samplerate"], d["original_channels"], d["samplerate"], d["channels"]) == (48000, 2, 16000, 1)
    assert abs(d["lufs_after"] + 23) < 0.5 and b"Suno" not in out


def test_a_study_folder_holds_only_opaque_clean_files(exports, tmp_path, capsys):
    run = tmp_path / "run"
    import_manifest(exports, run, progress=False)
    df = pd.read_parquet(run / "responses.parquet")
    served = tmp_path / "served"
    mapping = blind_responses(df, run, served, BlindingPolicy(max_side=64), salt="study-secret", progress=False)
    names = sorted(p.name for p in served.iterdir())
    assert len(mapping) == len(ROWS) and sorted(mapping["served_name"]) == names
    assert all(OPAQUE.match(n) for n in names)
    assert set(mapping["media_type"]) == {"image/png", "audio/wav"}
    leaks = [s.encode() for _, item, source, rel, _ in ROWS for s in (item, source, rel.split("/")[-1])]
    for p in served.iterdir():
        data = p.read_bytes()
        assert find_metadata(data, probe(data).media_type) == []
        assert [s for s in PLAIN + AUDIO_PLAIN + leaks if s in data or s.decode() in p.name] == []
    images = mapping[mapping["media_type"] == "image/png"]
    assert {max(d["width"], d["height"]) for d in images["details"]} == {64}
    # the names depend on the secret: another study's salt gives other names for the same files
    again = blind_responses(df, run, tmp_path / "other", BlindingPolicy(max_side=64), salt="another", progress=False)
    assert not set(again["served_name"]) & set(names)
    with pytest.raises(BenchError, match="not empty"):
        blind_responses(df, run, served, BlindingPolicy(max_side=64), salt="study-secret", progress=False)
    # the command keeps the secret mapping out of the served folder
    assert main(["media", "sanitize", "--run", str(run), "--out", str(tmp_path / "s2"),
                 "--mapping", str(tmp_path / "s2" / "m.csv"), "--quiet"]) == 2
    assert "must not be inside the served folder" in capsys.readouterr().err and not (tmp_path / "s2").exists()
    assert main(["media", "sanitize", "--run", str(run), "--out", str(tmp_path / "s3"), "--quiet"]) == 0
    assert (tmp_path / "s3.mapping.csv").is_file() and (tmp_path / "s3.mapping.json").is_file()
    assert all(OPAQUE.match(p.name) for p in (tmp_path / "s3").iterdir())
