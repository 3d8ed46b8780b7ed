"""Media runs for study tests: exports with planted metadata, imported like a researcher does.

Each task item has one answer from a "generator" and one from human artists, in files whose
names and metadata name where they came from (EXIF Software "Adobe Firefly", XMP, PNG text
chunks, a C2PA-style JUMBF box, ID3 and RIFF INFO tags). ``LEAKS`` are the strings that must
never reach a rater's browser: the planted metadata, the file names and the sources.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.media.planted import AUDIO_PLAIN, PLAIN, pixels, planted_audio, planted_jpeg, planted_png, tone

IMAGE_ITEMS = ("laundromat_jazz", "night_library")
AUDIO_ITEMS = ("rainy_market", "first_snow")
IMAGE_SOURCES = ("firefly/image-3", "human/artists-pilot")
AUDIO_SOURCES = ("suno/v4", "human/artists-pilot")
FILE_WORDS = ["poster_firefly", "Jane Doe", "suno_track", "snow-recording", "artists-pilot", "firefly/", "suno/",
              "human/", "media/poster", "media/music_scene"]
LEAKS = [s.decode() for s in PLAIN + AUDIO_PLAIN if s not in (b"jumb", b"ISFT")] + FILE_WORDS


def image_exports(root: Path) -> Path:
    """Two poster items: a Firefly-style PNG and a human JPEG (different sizes) for each."""
    rows = []
    (root / "firefly").mkdir(parents=True, exist_ok=True)
    (root / "artists").mkdir(parents=True, exist_ok=True)
    for n, item in enumerate(IMAGE_ITEMS):
        gen = f"firefly/poster_firefly_{n}.png"
        (root / gen).write_bytes(planted_png(pixels(96, 64, seed=10 + n)))
        human = f"artists/Jane Doe - poster {n}.jpg"
        (root / human).write_bytes(planted_jpeg(pixels(48, 80, seed=20 + n)))
        rows += [("poster", item, IMAGE_SOURCES[0], gen), ("poster", item, IMAGE_SOURCES[1], human)]
    path = root / "manifest.csv"
    pd.DataFrame(rows, columns=["task_id", "item", "source", "media_path"]).to_csv(path, index=False)
    return path


def audio_exports(root: Path) -> Path:
    """Two music items: a tagged MP3 from a "generator" and a tagged WAV from a person for each."""
    rows = []
    (root / "suno").mkdir(parents=True, exist_ok=True)
    (root / "artists").mkdir(parents=True, exist_ok=True)
    for n, item in enumerate(AUDIO_ITEMS):
        gen = f"suno/suno_track_{n}.mp3"
        planted_audio(root / gen, "mp3", tone(1.6 + 0.2 * n))
        human = f"artists/snow-recording {n}.wav"
        planted_audio(root / human, "wav", tone(1.4 + 0.2 * n, rate=48000, channels=2), rate=48000)
        rows += [("music_scene", item, AUDIO_SOURCES[0], gen), ("music_scene", item, AUDIO_SOURCES[1], human)]
    path = root / "manifest.csv"
    pd.DataFrame(rows, columns=["task_id", "item", "source", "media_path"]).to_csv(path, index=False)
    return path


def media_run(root: Path, kind: str) -> Path:
    """A run folder imported from planted exports (``kind``: image or audio)."""
    from benchmark.media import import_manifest

    manifest = (image_exports if kind == "image" else audio_exports)(root / f"{kind}-exports")
    out = root / f"{kind}-run"
    import_manifest(manifest, out, progress=False)
    return out
