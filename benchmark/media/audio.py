"""Re-encoding a sound to one format, sample rate and loudness, with no tags.

Why: ID3 frames, RIFF INFO lists and Vorbis comments name the tool or the artist; the
container, sample rate and channel count tell generators apart; and a louder clip is
heard as better. So the samples are decoded (libsndfile, through soundfile), mixed to one
channel layout, resampled (scipy's polyphase filter), brought to one integrated loudness
(ITU-R BS.1770-4 through pyloudnorm, default -20 LUFS) with the sample peak kept under
-1 dBFS, and written as plain 16-bit PCM, which carries no tags unless asked to.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

AUDIO_FORMATS = {"wav": ("WAV", "audio/wav"), "flac": ("FLAC", "audio/flac")}
MIN_LOUDNESS_S = 0.4  # BS.1770 gating blocks are 400 ms; shorter clips use their RMS level


def _channels(data: np.ndarray, channels: int) -> np.ndarray:
    """Mono is the mean of all channels; stereo keeps the first two (a mono source is doubled)."""
    if channels == 1:
        return data.mean(axis=1, keepdims=True)
    if data.shape[1] == 1:
        return np.repeat(data, channels, axis=1)
    return data[:, :channels]


def _resample(data: np.ndarray, rate: int, target: int) -> np.ndarray:
    from scipy.signal import resample_poly

    if rate == target:
        return data
    g = math.gcd(rate, target)
    return resample_poly(data, target // g, rate // g, axis=0)


def loudness_lufs(data: np.ndarray, rate: int) -> float:
    """Integrated loudness (BS.1770-4); for clips under 0.4 s, the RMS level in dBFS."""
    import pyloudnorm

    if len(data) / rate >= MIN_LOUDNESS_S:
        return float(pyloudnorm.Meter(rate).integrated_loudness(data))
    rms = float(np.sqrt(np.mean(np.square(data)))) if data.size else 0.0
    return 20 * math.log10(rms) if rms > 0 else float("-inf")


def reencode_audio(src: str | os.PathLike | bytes, *, fmt: str = "wav", samplerate: int = 44100, channels: int = 2,
                   lufs: float = -20.0, peak_dbfs: float = -1.0,
                   max_seconds: float | None = None) -> tuple[bytes, dict[str, Any]]:
    """Encoded bytes of a tag-free, loudness-normalised copy of ``src``, and what was done."""
    import soundfile as sf

    if fmt not in AUDIO_FORMATS:
        raise ValueError(f"audio format '{fmt}' is not one of {', '.join(AUDIO_FORMATS)}")
    data, rate = sf.read(io.BytesIO(src) if isinstance(src, bytes) else str(Path(src)), dtype="float64", always_2d=True)
    original = {"original_samplerate": int(rate), "original_channels": int(data.shape[1]),
                "original_seconds": round(len(data) / rate, 3)}
    if max_seconds is not None:
        data = data[: int(max_seconds * rate)]
    data = _resample(_channels(data, channels), int(rate), samplerate)
    before = loudness_lufs(data, samplerate)
    gain_db = 0.0 if not math.isfinite(before) else lufs - before
    peak = float(np.max(np.abs(data))) if data.size else 0.0
    limited = False
    if peak > 0 and 20 * math.log10(peak) + gain_db > peak_dbfs:
        gain_db = peak_dbfs - 20 * math.log10(peak)
        limited = True
    data = np.clip(data * 10 ** (gain_db / 20), -1.0, 1.0)
    sf_format, _ = AUDIO_FORMATS[fmt]
    buf = io.BytesIO()
    sf.write(buf, data, samplerate, format=sf_format, subtype="PCM_16")
    return buf.getvalue(), {**original, "samplerate": samplerate, "channels": channels,
                            "seconds": round(len(data) / samplerate, 3), "lufs_before": round(before, 2),
                            "gain_db": round(gain_db, 2), "lufs_after": round(loudness_lufs(data, samplerate), 2),
                            "peak_limited": limited}
