"""Blinding for media: what a rater's browser receives is a re-encoded copy, nothing more.

For every item of a study, images are re-encoded to one format at one size and sounds
to one format, sample rate, channel layout and loudness (``benchmark.media.images`` and
``benchmark.media.audio``); each result is then checked with
``benchmark.media.inspect.find_metadata`` and refused if anything but pixels or samples
is left. Each file is served under an opaque name: an HMAC of its new bytes keyed with
the study's secret salt, so the name says nothing about the source, the original file
name or the order, and cannot be guessed across studies. The mapping from opaque name to
response key is returned to the caller (the study store) and never written beside the
served files. The served folder is built in a temporary folder and renamed into place,
so a failure leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from benchmark.errors import BenchError
from benchmark.media.audio import AUDIO_FORMATS, reencode_audio
from benchmark.media.images import IMAGE_FORMATS, reencode_image
from benchmark.media.inspect import find_metadata
from benchmark.media.records import has_media
from benchmark.media.types import MEDIA_TYPES, MediaTypeError, probe
from benchmark.records import RESPONSE_KEY


@dataclass(frozen=True)
class BlindingPolicy:
    """One encoding for every item of a study (recorded with the study for reproducibility)."""

    image_format: str = "png"
    max_side: int = 1024  # the longer side of every image, scaled up or down
    quality: int = 90  # JPEG/WebP only
    audio_format: str = "wav"
    samplerate: int = 44100
    channels: int = 2
    lufs: float = -20.0
    peak_dbfs: float = -1.0
    max_seconds: float | None = None
    square: bool = False  # every image centred on a max_side square (studies: the same display size)

    def __post_init__(self) -> None:
        if self.image_format not in IMAGE_FORMATS:
            raise BenchError(f"image format '{self.image_format}' is not supported", fix=f"use one of {', '.join(IMAGE_FORMATS)}")
        if self.audio_format not in AUDIO_FORMATS:
            raise BenchError(f"audio format '{self.audio_format}' is not supported", fix=f"use one of {', '.join(AUDIO_FORMATS)}")
        if not 16 <= self.max_side <= 8192:
            raise BenchError(f"max_side {self.max_side} is outside 16..8192", fix="e.g. 1024")
        if self.channels not in (1, 2) or not 8000 <= self.samplerate <= 192000:
            raise BenchError(f"audio {self.channels} channel(s) at {self.samplerate} Hz is not supported",
                             fix="use 1 or 2 channels at 8000..192000 Hz, e.g. 2 at 44100")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BlindedFile:
    """A served file: its opaque name, type, digest and what re-encoding did."""

    name: str
    media_type: str
    sha256: str
    details: dict[str, Any]


def opaque_name(data: bytes, salt: str, media_type: str) -> str:
    """20 hex digits of HMAC-SHA256(salt, bytes) plus the served format's extension."""
    digest = hmac.new(salt.encode("utf-8"), data, hashlib.sha256).hexdigest()[:20]
    return f"{digest}.{MEDIA_TYPES[media_type]}"


def reencode(src: str | os.PathLike | bytes, policy: BlindingPolicy) -> tuple[bytes, str, dict[str, Any]]:
    """(clean bytes, served media_type, details) for one image or sound; refuses a dirty result."""
    kind = probe(src).kind
    if kind == "image":
        data, details = reencode_image(src, fmt=policy.image_format, max_side=policy.max_side, quality=policy.quality,
                                       square=policy.square)
        media_type = IMAGE_FORMATS[policy.image_format][1]
    else:
        data, details = reencode_audio(src, fmt=policy.audio_format, samplerate=policy.samplerate,
                                       channels=policy.channels, lufs=policy.lufs, peak_dbfs=policy.peak_dbfs,
                                       max_seconds=policy.max_seconds)
        media_type = AUDIO_FORMATS[policy.audio_format][1]
    left = find_metadata(data, media_type)
    if left:  # the encoder wrote something beyond pixels or samples: never serve it
        raise RuntimeError(f"re-encoded {media_type} still carries {', '.join(left)}")
    return data, media_type, details


def blind_file(src: str | os.PathLike | bytes, out_dir: str | os.PathLike, policy: BlindingPolicy,
               salt: str) -> BlindedFile:
    """Re-encode ``src`` into ``out_dir`` under its opaque name (written atomically)."""
    data, media_type, details = reencode(src, policy)
    name = opaque_name(data, salt, media_type)
    target = Path(out_dir) / name
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    return BlindedFile(name, media_type, hashlib.sha256(data).hexdigest(), details)


def blind_responses(responses: pd.DataFrame, run_dir: str | os.PathLike, out_dir: str | os.PathLike,
                    policy: BlindingPolicy, salt: str, progress: bool = True) -> pd.DataFrame:
    """Serve every response with media from ``run_dir`` as a blinded file in ``out_dir``.

    Returns the mapping (response key, ``served_name``, ``media_type``, ``sha256``,
    ``details``) for the study store. ``out_dir`` must not exist yet: it is built aside
    and renamed into place, so it holds the served files and nothing else.
    """
    if not salt:
        raise BenchError("blinding needs a secret salt", fix="pass the study's salt (kept out of the served folder)")
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise BenchError("the output folder exists and is not empty", where=str(out), fix="give a new folder")
    if "media_path" not in responses.columns:
        raise BenchError("these responses carry no media (no media_path column)", where=str(run_dir),
                         fix="import images or sounds with `creativity-bench media import` or replay a media manifest")
    rows = [r for r in responses.to_dict("records") if has_media(r)]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.blinding-"))
    records: list[dict[str, Any]] = []
    try:
        for row in tqdm(rows, desc="blind media", unit="file", disable=not progress):
            src = Path(run_dir) / str(row["media_path"])
            try:
                served = blind_file(src, staging, policy, salt)
            except (MediaTypeError, OSError, ValueError) as exc:
                raise BenchError(f"cannot re-encode {row['media_path']}: {exc}", where=str(run_dir),
                                 fix="re-import the file; every served file must decode") from None
            records.append({**{k: row[k] for k in RESPONSE_KEY}, "served_name": served.name,
                            "media_type": served.media_type, "sha256": served.sha256, "details": served.details})
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return pd.DataFrame.from_records(records, columns=[*RESPONSE_KEY, "served_name", "media_type", "sha256", "details"])

