"""Test files that carry what generators and tools write into them, built from scratch.

Every image holds the same random pixels and, depending on the format: an EXIF
Software "Adobe Firefly" and Artist field, an XMP packet naming the tool, PNG tEXt, iTXt
and zTXt chunks, a C2PA-style JUMBF box (a ``caBX`` chunk in PNG, an APP11 segment in
JPEG), IPTC (APP13), a JPEG comment and an ICC profile. Sounds carry ID3 frames (WAV,
MP3), a RIFF INFO list (WAV) or Vorbis comments (FLAC, OGG). ``PLAIN`` lists the strings
that appear uncompressed in the files, so a test can check both that they are there
before blinding and gone after.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np

PLAIN = [b"Adobe Firefly", b"Firefly Artist", b"xmpmeta", b"FireflyCreatorTool", b"FireflyPngText",
         b"c2pa.claim", b"jumb", b"FireflyIptcByline", b"FireflyComment"]
AUDIO_PLAIN = [b"Suno Generator", b"Udio Artist", b"FireflyVorbis", b"ISFT"]
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="FireflyCreatorTool"/></rdf:RDF>'
       b'</x:xmpmeta><?xpacket end="w"?>')


def pixels(width: int = 96, height: int = 64, seed: int = 0) -> np.ndarray:
    """Smooth gradients plus noise: compressible, and distinct enough to compare."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack([xx * 255 / width, yy * 255 / height, (xx + yy) * 127 / (width + height)], axis=-1)
    return np.clip(base + rng.normal(0, 8, base.shape), 0, 255).astype(np.uint8)


def jumbf_box() -> bytes:
    """A C2PA-style JUMBF superbox: jumd (c2pa UUID, label) + a JSON claim naming the generator."""
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    jumd = box(b"jumd", bytes.fromhex("6332706100110010800000aa00389b71") + b"\x03" + b"c2pa\x00")
    claim = box(b"json", b'{"claim_generator": "Adobe Firefly", "c2pa.claim": {"dc:title": "x"}}')
    return box(b"jumb", jumd + box(b"jumb", box(b"jumd", b"\x00" * 16 + b"\x03c2pa.claim\x00") + claim))


def _exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0131] = "Adobe Firefly"  # Software
    exif[0x013B] = "Firefly Artist"  # Artist
    exif[0x0112] = 1  # Orientation: upright
    return exif.tobytes()


def _icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def planted_png(arr: np.ndarray) -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "FireflyPngText")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Comment", "FireflyZtxt compressed", zip=True)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PNG", pnginfo=info, exif=_exif(), icc_profile=_icc())
    data = buf.getvalue()
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + _png_chunk(b"caBX", jumbf_box()) + data[iend:]


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def planted_jpeg(arr: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", quality=95, exif=_exif(), icc_profile=_icc(), comment=b"FireflyComment")
    data = buf.getvalue()
    xmp = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
    app11 = _segment(0xEB, b"JP" + struct.pack(">HI", 0x0001, 1) + jumbf_box())
    iptc_record = b"\x1c\x02\x50" + struct.pack(">H", 17) + b"FireflyIptcByline"
    app13 = _segment(0xED, b"Photoshop 3.0\x00" + b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00"
                     + struct.pack(">I", len(iptc_record)) + iptc_record + b"\x00")
    return data[:2] + xmp + app11 + app13 + data[2:]


def planted_webp(arr: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "WEBP", lossless=True, exif=_exif(), icc_profile=_icc(), xmp=XMP)
    return buf.getvalue()


def tone(seconds: float = 1.5, rate: int = 22050, channels: int = 1) -> np.ndarray:
    """A chord with a slow envelope: loud enough to measure, distinct enough to compare."""
    t = np.arange(int(seconds * rate)) / rate
    x = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * (0.5 + 0.5 * np.sin(2 * np.pi * 1.3 * t))
    x = (0.15 * x / np.max(np.abs(x))).astype("float32")
    return np.repeat(x[:, None], channels, axis=1) if channels > 1 else x


def planted_audio(path: Path, fmt: str, data: np.ndarray, rate: int = 22050) -> Path:
    """Write ``data`` as WAV/MP3/FLAC/OGG at ``path`` with tags naming a generator."""
    import soundfile as sf
    from mutagen.id3 import TENC, TIT2, TPE1, TXXX

    sf.write(str(path), data, rate, format=fmt.upper(), subtype={"wav": "PCM_16", "flac": "PCM_16",
                                                                 "mp3": "MPEG_LAYER_III", "ogg": "VORBIS"}[fmt])
    if fmt in ("wav", "mp3"):
        from mutagen.mp3 import MP3
        from mutagen.wave import WAVE

        f = WAVE(str(path)) if fmt == "wav" else MP3(str(path))
        f.add_tags()
        f.tags.add(TIT2(encoding=3, text=["Suno Generator"]))
        f.tags.add(TPE1(encoding=3, text=["Udio Artist"]))
        f.tags.add(TENC(encoding=3, text=["Adobe Firefly"]))
        f.tags.add(TXXX(encoding=3, desc="c2pa.claim", text=["FireflyVorbis"]))
        f.save()
        if fmt == "wav":  # a RIFF INFO list too (ISFT = software), appended as a chunk
            body = b"INFO" + b"ISFT" + struct.pack("<I", 14) + b"Suno Generator"
            raw = path.read_bytes() + b"LIST" + struct.pack("<I", len(body)) + body
            path.write_bytes(raw[:4] + struct.pack("<I", len(raw) - 8) + raw[8:])
    else:
        from mutagen import File

        f = File(str(path))
        f["encoder"] = "Suno Generator"
        f["artist"] = "Udio Artist"
        f["comment"] = "FireflyVorbis Adobe Firefly"
        f.save()
    return path
