"""Re-encoding an image so that only its pixels survive, at one size and in one format.

Why each step: generators and cameras write who made a file into it (EXIF Software and
Artist, XMP ``CreatorTool``, IPTC, C2PA Content Credentials in JUMBF boxes, PNG text
chunks, ICC profile names), and a rater who saves the image can read them. Copying bytes
or "stripping tags" misses what a tool does not know about, so the pixels are decoded and
a fresh image is built from the pixel array alone, then encoded with no metadata
arguments. Before that, what the metadata *meant* for the picture is applied: the EXIF
orientation (so the picture still stands the right way up) and the ICC profile (colours
converted to sRGB, then the profile dropped). Transparency is flattened on white, and the
longer side is scaled to one size, so pixel dimensions and alpha channels do not tell
generators apart.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

IMAGE_FORMATS = {"png": ("PNG", "image/png"), "jpeg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}


def _to_srgb(im: Any, icc: bytes | None) -> tuple[Any, str]:
    """Colours converted from the embedded profile to sRGB (the profile itself is dropped)."""
    from PIL import ImageCms

    if not icc:
        return im, "none"
    if im.mode not in ("RGB", "RGBA", "CMYK"):
        return im, "dropped (mode without colour conversion)"
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode=out_mode), "converted to sRGB"
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im, "dropped (unreadable profile)"


def _flatten(im: Any) -> Any:
    """RGB, with any transparency composited on white."""
    from PIL import Image

    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")


def fit_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """The size whose longer side is ``max_side``, aspect ratio kept (at least 1 pixel)."""
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


CANVAS = (240, 240, 240)  # the neutral grey a square canvas is filled with


def on_square(im: Any, side: int) -> Any:
    """``im`` centred on a ``side`` x ``side`` grey canvas (a study shows every image at one size)."""
    from PIL import Image

    canvas = Image.new("RGB", (side, side), CANVAS)
    canvas.paste(im, ((side - im.width) // 2, (side - im.height) // 2))
    return canvas


def reencode_image(src: str | os.PathLike | bytes, *, fmt: str = "png", max_side: int = 1024,
                   quality: int = 90, square: bool = False) -> tuple[bytes, dict[str, Any]]:
    """Encoded bytes of a metadata-free copy of ``src``, and what was done to it.

    ``square``: the scaled picture is centred on a grey square of ``max_side`` pixels, so
    every image of a study has the same pixel size (and shows at the same size side by
    side), and the aspect ratio of a generator's output format does not tell it apart.
    """
    from PIL import Image, ImageOps

    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format '{fmt}' is not one of {', '.join(IMAGE_FORMATS)}")
    pil_format, _ = IMAGE_FORMATS[fmt]
    with Image.open(io.BytesIO(src) if isinstance(src, bytes) else Path(src)) as opened:
        opened.load()
        icc = opened.info.get("icc_profile")
        original = opened.size
        im = ImageOps.exif_transpose(opened)
        im, colour = _to_srgb(im, icc)
        im = _flatten(im)
        size = fit_size(im.width, im.height, max_side)
        if size != im.size:
            im = im.resize(size, Image.Resampling.LANCZOS)
        if square:
            im = on_square(im, max_side)
        pixels = np.array(im, dtype=np.uint8)
    fresh = Image.fromarray(pixels)  # a new image: no info dict, no EXIF, nothing carried over
    buf = io.BytesIO()
    if pil_format == "PNG":
        fresh.save(buf, "PNG", compress_level=6)
    elif pil_format == "JPEG":
        fresh.save(buf, "JPEG", quality=quality, subsampling="4:2:0")
    else:
        fresh.save(buf, "WEBP", quality=quality, method=4)
    return buf.getvalue(), {"width": fresh.width, "height": fresh.height, "square": square, "original_width": original[0],
                            "original_height": original[1], "colour": colour}
