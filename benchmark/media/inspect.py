"""Proof that a re-encoded file carries nothing but pixels or samples.

Re-encoding through Pillow and libsndfile already drops metadata; this module checks the
result, container by container, against an allow-list of the structures that hold the
picture or the sound and nothing else. Anything outside it (EXIF, XMP, IPTC, ICC
profiles, PNG text chunks, C2PA/JUMBF boxes, comments, ID3/RIFF INFO/Vorbis tags, bytes
after the end) is reported by name. The blinding step refuses to serve a file for which
this finds anything, so a future library version that starts writing a tag fails loudly.
"""

from __future__ import annotations

import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_ALLOWED = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}
# JPEG markers that hold the picture: SOF0-3, DHT, DQT, DRI, SOS; APP0 only as plain JFIF
JPEG_ALLOWED = {0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xDB, 0xDD, 0xDA}
WEBP_ALLOWED = {b"VP8 ", b"VP8L"}
WAV_ALLOWED = {b"fmt ", b"data", b"fact"}
FLAC_ALLOWED = {0: "STREAMINFO", 1: "PADDING", 3: "SEEKTABLE"}
FLAC_NAMES = {2: "APPLICATION", 4: "VORBIS_COMMENT", 5: "CUESHEET", 6: "PICTURE"}


def _png(data: bytes) -> list[str]:
    if not data.startswith(PNG_SIGNATURE):
        return ["not a PNG"]
    found, pos = [], 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        if ctype not in PNG_ALLOWED:
            found.append(f"PNG chunk {ctype.decode('latin-1')}")
        pos += 12 + length
        if ctype == b"IEND":
            break
    if pos < len(data):
        found.append(f"{len(data) - pos} bytes after IEND")
    return found


def _jpeg(data: bytes) -> list[str]:
    if not data.startswith(b"\xff\xd8"):
        return ["not a JPEG"]
    found, pos = [], 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return found + [f"unexpected byte at {pos}"]
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        body = data[pos + 4:pos + 2 + length]
        if marker == 0xE0 and body.startswith(b"JFIF\x00"):
            pass
        elif 0xE0 <= marker <= 0xEF:
            label = body[:12].split(b"\0")[0].decode("latin-1", "replace")
            found.append(f"JPEG APP{marker - 0xE0} segment ({label})")
        elif marker == 0xFE:
            found.append("JPEG comment (COM)")
        elif marker not in JPEG_ALLOWED:
            found.append(f"JPEG marker 0x{marker:02X}")
        if marker == 0xDA:  # entropy-coded data follows up to EOI; check what trails it
            end = data.rfind(b"\xff\xd9")
            if end < 0:
                found.append("no end-of-image marker")
            elif end + 2 < len(data):
                found.append(f"{len(data) - end - 2} bytes after end-of-image")
            break
        pos += 2 + length
    return found


def _riff(data: bytes, form: bytes, allowed: set[bytes], what: str) -> list[str]:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != form:
        return [f"not a {what}"]
    found, pos = [], 12
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while pos + 8 <= end:
        ctype, size = struct.unpack("<4sI", data[pos:pos + 8])
        if ctype not in allowed:
            found.append(f"{what} chunk {ctype.decode('latin-1')!r}")
        pos += 8 + size + (size & 1)
    if len(data) > end:
        found.append(f"{len(data) - end} bytes after the RIFF container")
    return found


def _flac(data: bytes) -> list[str]:
    if data.startswith(b"ID3"):
        return ["ID3 tag before the FLAC stream"]
    if not data.startswith(b"fLaC"):
        return ["not a FLAC"]
    found, pos, last = [], 4, False
    while not last and pos + 4 <= len(data):
        header = data[pos]
        last, btype = bool(header & 0x80), header & 0x7F
        length = int.from_bytes(data[pos + 1:pos + 4], "big")
        body = data[pos + 4:pos + 4 + length]
        if btype == 4:  # vendor string (the encoder, the same for every file) and no comments
            vlen = struct.unpack("<I", body[:4])[0]
            (count,) = struct.unpack("<I", body[4 + vlen:8 + vlen])
            if count:
                found.append(f"FLAC VORBIS_COMMENT with {count} tag(s)")
        elif btype not in FLAC_ALLOWED:
            found.append(f"FLAC {FLAC_NAMES.get(btype, f'block type {btype}')} block")
        pos += 4 + length
    return found


def find_metadata(data: bytes, media_type: str) -> list[str]:
    """Every structure in ``data`` beyond the picture or the sound (empty list: clean)."""
    if media_type == "image/png":
        return _png(data)
    if media_type == "image/jpeg":
        return _jpeg(data)
    if media_type == "image/webp":
        return _riff(data, b"WEBP", WEBP_ALLOWED, "WebP")
    if media_type == "audio/wav":
        return _riff(data, b"WAVE", WAV_ALLOWED, "WAV")
    if media_type == "audio/flac":
        return _flac(data)
    return [f"no inspector for {media_type}: it cannot be proved clean"]
