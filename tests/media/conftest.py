"""A folder of "exports" as a researcher would bring in: planted metadata, mixed formats."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.media.planted import pixels, planted_audio, planted_jpeg, planted_png, tone

ROWS = [
    # task, item, source, file, text
    ("poster", "laundromat_jazz", "firefly/image-3", "firefly/poster_1.png", None),
    ("poster", "night_library", "human/artists-pilot", "artists/Jane Doe - poster.png", "made with gouache"),
    ("logo", "night_bakery", "human/artists-pilot", "artists/logo.webp-not", None),
    ("music_scene", "rainy_market", "suno/v4", "suno/rainy market.mp3", None),
    ("music_scene", "first_snow", "human/artists-pilot", "artists/snow.wav", None),
]


def write_exports(root: Path) -> Path:
    """Files with planted metadata and a manifest of them; returns the manifest path."""
    for sub in ("firefly", "artists", "suno"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / ROWS[0][3]).write_bytes(planted_png(pixels(96, 64, seed=1)))
    (root / ROWS[1][3]).write_bytes(planted_jpeg(pixels(64, 96, seed=2)))  # a JPEG named .png
    (root / ROWS[2][3]).write_bytes(planted_png(pixels(80, 80, seed=3)))  # a PNG with an odd name
    planted_audio(root / ROWS[3][3], "mp3", tone(1.2))
    planted_audio(root / ROWS[4][3], "wav", tone(1.0, rate=48000, channels=2), rate=48000)
    df = pd.DataFrame(ROWS, columns=["task_id", "item", "source", "media_path", "text"])
    path = root / "manifest.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    return write_exports(tmp_path_factory.mktemp("exports"))
