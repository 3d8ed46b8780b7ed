"""Which media a response may carry, and what a file really is (from its bytes).

A file's extension says what its maker called it, not what it is: a text file renamed
``.png`` or a JPEG saved as ``.png`` must be caught before a rater's browser sees it. So
the type is what the decoder recognises in the content (Pillow for images, libsndfile
through soundfile for audio), and a file counts as readable only once it decodes to the
end, which is what catches a truncated PNG or a WAV cut short.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
AUDIO_TYPES = {"audio/wav": "wav", "audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/flac": "flac"}
MEDIA_TYPES = {**IMAGE_TYPES, **AUDIO_TYPES}  # media_type -> file extension
# what the decoders call each format
_PIL_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
_SF_FORMATS = {"WAV": "audio/wav", "WAVEX": "audio/wav", "MP3": "audio/mpeg", "OGG": "audio/ogg", "FLAC": "audio/flac"}
# Pillow refuses images above this many pixels (a decompression bomb); 8k x 8k is plenty
MAX_PIXELS = 64_000_000

Kind = Literal["image", "audio"]


class MediaTypeError(ValueError):
    """The bytes are not a supported, complete image or audio file; ``str()`` says why."""


@dataclass(frozen=True)
class MediaInfo:
    """What decoding found: the type, and size (pixels) or length (seconds)."""

    media_type: str
    width: int | None = None
    height: int | None = None
    seconds: float | None = None
    samplerate: int | None = None
    channels: int | None = None

    @property
    def kind(self) -> Kind:
        return kind_of(self.media_type)

    @property
    def extension(self) -> str:
        return MEDIA_TYPES[self.media_type]


def kind_of(media_type: str) -> Kind:
    """``image/png`` -> ``image``; an unknown type is a ``MediaTypeError``."""
    if media_type in IMAGE_TYPES:
        return "image"
    if media_type in AUDIO_TYPES:
        return "audio"
    raise MediaTypeError(f"unsupported media type '{media_type}' (supported: {', '.join(MEDIA_TYPES)})")


def _probe_image(src: Path | bytes) -> MediaInfo | None:
    """Decode an image fully; None when Pillow does not recognise the bytes at all."""
    from PIL import Image, UnidentifiedImageError

    fh = io.BytesIO(src) if isinstance(src, bytes) else open(src, "rb")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                im = Image.open(fh)
            except UnidentifiedImageError:
                return None
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise MediaTypeError(f"image too large to decode safely: {exc}") from None
            except (OSError, SyntaxError, ValueError) as exc:  # recognised, but cut short in its header
                raise MediaTypeError(f"image does not decode: {exc}") from None
            with im:
                fmt = str(im.format)
                if fmt not in _PIL_FORMATS:
                    raise MediaTypeError(f"unsupported image format {fmt} (supported: PNG, JPEG, WebP)")
                if im.width * im.height > MAX_PIXELS:
                    raise MediaTypeError(f"image of {im.width}x{im.height} pixels is over the {MAX_PIXELS:,}-pixel limit")
                try:
                    im.load()  # a truncated or corrupt file fails here, not at Image.open
                except (OSError, SyntaxError, ValueError) as exc:
                    raise MediaTypeError(f"{fmt} image does not decode: {exc}") from None
                return MediaInfo(_PIL_FORMATS[fmt], width=im.width, height=im.height)
    finally:
        fh.close()


def wav_cut_short(head: bytes, size: int) -> bool:
    """Whether a WAV's ``data`` chunk claims more bytes than the file holds (libsndfile
    quietly plays what is there, so a WAV cut short would otherwise pass as complete)."""
    import struct

    pos = 12
    while pos + 8 <= len(head):
        kind, length = struct.unpack("<4sI", head[pos:pos + 8])
        if kind == b"data":
            return pos + 8 + length > size
        pos += 8 + length + (length & 1)
    return False


def _probe_audio(src: Path | bytes) -> MediaInfo | None:
    """Decode audio fully in blocks; None when libsndfile does not recognise the bytes."""
    import soundfile as sf

    def opened() -> "sf.SoundFile":
        return sf.SoundFile(io.BytesIO(src) if isinstance(src, bytes) else str(src))

    try:
        f = opened()
    except (sf.LibsndfileError, RuntimeError, TypeError):
        return None
    with f:
        fmt = str(f.format)
        if fmt not in _SF_FORMATS:
            raise MediaTypeError(f"unsupported audio format {fmt} (supported: WAV, MP3, OGG, FLAC)")
        expected = f.frames
        got = 0
        try:
            for block in f.blocks(blocksize=1 << 16, dtype="float32", always_2d=True):
                got += len(block)
        except (sf.LibsndfileError, RuntimeError) as exc:
            raise MediaTypeError(f"{fmt} audio does not decode: {exc}") from None
        # MP3 and OGG lengths are estimates until decoded (a cut MP3 still plays what it has);
        # WAV and FLAC must be complete
        if got == 0 or (fmt in ("WAV", "WAVEX", "FLAC") and got < expected):
            raise MediaTypeError(f"{fmt} audio is truncated: {got} of {expected} frames decode")
        if fmt in ("WAV", "WAVEX"):
            if isinstance(src, bytes):
                head, size = src[:1 << 16], len(src)
            else:
                with open(src, "rb") as fh:
                    head, size = fh.read(1 << 16), os.fstat(fh.fileno()).st_size
            if wav_cut_short(head, size):
                raise MediaTypeError("WAV audio is truncated: its data chunk is longer than the file")
        return MediaInfo(_SF_FORMATS[fmt], seconds=got / f.samplerate, samplerate=int(f.samplerate),
                         channels=int(f.channels))


def probe(src: str | os.PathLike | bytes) -> MediaInfo:
    """The type of an image or audio file from its content, after decoding all of it.

    Raises ``MediaTypeError`` for anything else: text, an unsupported format, a file that
    is cut short or corrupt.
    """
    data: Path | bytes = src if isinstance(src, bytes) else Path(src)
    if isinstance(data, bytes) and not data:
        raise MediaTypeError("empty file")
    found = _probe_image(data) or _probe_audio(data)
    if found is None:
        raise MediaTypeError("not an image or audio file (neither Pillow nor libsndfile recognises the bytes)")
    return found
