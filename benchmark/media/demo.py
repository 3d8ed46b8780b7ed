"""``media demo``: a small, honest media data set that a newcomer can make in seconds.

Images and sounds are generated procedurally with a fixed seed (Pillow drawing and numpy
synthesis), one per visual or music task item and source, and written as a media
manifest that ``media import`` and ``replay`` read. Their sources say what they are,
``procedural/shapes``, ``procedural/lines``, ``procedural/additive``, ``procedural/fm``:
never ``human/...`` and never a model's name. They are deliberately mixed in format (PNG
and JPEG, WAV and FLAC) so that blinding has something to unify. The same seed gives the
same files.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from benchmark.errors import BenchError

IMAGE_SOURCES = {"procedural/shapes": "png", "procedural/lines": "jpg"}
AUDIO_SOURCES = {"procedural/additive": "wav", "procedural/fm": "flac"}
IMAGE_SIZE = 384
SAMPLE_RATE = 22050
CLIP_SECONDS = 3.0


def _rng(seed: int, *parts: str) -> np.random.Generator:
    digest = hashlib.sha256("/".join([str(seed), *parts]).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def _palette(rng: np.random.Generator, n: int = 5) -> list[tuple[int, int, int]]:
    base = rng.uniform(0, 1)
    out = []
    for k in range(n):
        h = (base + k / n + rng.normal(0, 0.04)) % 1.0
        r, g, b = (int(255 * (0.5 + 0.5 * math.cos(2 * math.pi * (h + off)))) for off in (0, 1 / 3, 2 / 3))
        out.append((r, g, b))
    return out


def _label(draw, text: str, size: int) -> None:
    from PIL import ImageFont

    try:
        font = ImageFont.load_default(size=max(12, size // 16))
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    draw.rectangle([0, size - size // 7, size, size], fill=(255, 255, 255))
    draw.text((size // 24, size - size // 8), text[:40], fill=(20, 20, 20), font=font)


def shapes_image(rng: np.random.Generator, label: str, size: int = IMAGE_SIZE):
    """Overlapping translucent circles, bars and polygons in one palette."""
    from PIL import Image, ImageDraw

    pal = _palette(rng)
    im = Image.new("RGB", (size, size), pal[0])
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(int(rng.integers(12, 28))):
        colour = pal[int(rng.integers(1, len(pal)))] + (int(rng.integers(90, 220)),)
        x, y = rng.uniform(0, size, 2)
        r = rng.uniform(size * 0.03, size * 0.25)
        kind = int(rng.integers(0, 3))
        if kind == 0:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        elif kind == 1:
            draw.rectangle([x - r, y - r / 4, x + r, y + r / 4], fill=colour)
        else:
            pts = [(x + r * math.cos(a), y + r * math.sin(a)) for a in np.sort(rng.uniform(0, 2 * math.pi, 5))]
            draw.polygon(pts, fill=colour)
    im = Image.alpha_composite(im.convert("RGBA"), layer).convert("RGB")
    _label(ImageDraw.Draw(im), label, size)
    return im


def lines_image(rng: np.random.Generator, label: str, size: int = IMAGE_SIZE):
    """Ink lines following a smooth random flow field."""
    from PIL import Image, ImageDraw

    pal = _palette(rng, 3)
    im = Image.new("RGB", (size, size), (250, 248, 240))
    draw = ImageDraw.Draw(im)
    fx, fy, phase = rng.uniform(1, 4, 2), rng.uniform(1, 4, 2), rng.uniform(0, 2 * math.pi, 2)
    for _ in range(int(rng.integers(60, 120))):
        x, y = rng.uniform(0, size, 2)
        pts = [(x, y)]
        for _step in range(40):
            a = math.sin(fx[0] * x / size * math.pi + phase[0]) * 2 + math.cos(fy[1] * y / size * math.pi + phase[1]) * 2
            x, y = x + 4 * math.cos(a), y + 4 * math.sin(a)
            pts.append((x, y))
        draw.line(pts, fill=pal[int(rng.integers(0, 3))], width=int(rng.integers(1, 4)))
    _label(draw, label, size)
    return im


def additive_clip(rng: np.random.Generator, seconds: float = CLIP_SECONDS, rate: int = SAMPLE_RATE) -> np.ndarray:
    """An arpeggio of a random chord, each note a few decaying harmonics."""
    t = np.arange(int(seconds * rate)) / rate
    root = 110 * 2 ** (int(rng.integers(0, 12)) / 12)
    chord = [0, int(rng.choice([3, 4])), 7, int(rng.choice([10, 11, 12]))]
    step = seconds / 8
    out = np.zeros_like(t)
    for k in range(8):
        f = root * 2 ** ((chord[k % 4] + 12 * (k // 4)) / 12)
        on = (t >= k * step)
        env = on * np.exp(-np.clip(t - k * step, 0, None) * 3.0)
        out += env * sum(np.sin(2 * np.pi * f * h * t) / h for h in (1, 2, 3))
    return (0.3 * out / np.max(np.abs(out))).astype("float32")


def fm_clip(rng: np.random.Generator, seconds: float = CLIP_SECONDS, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A short FM-synthesis melody (a carrier modulated at a random ratio)."""
    n = int(seconds * rate)
    notes = 110 * 2 ** (rng.choice([0, 2, 4, 7, 9, 12, 14], size=6) / 12 + 1)
    ratio, index = float(rng.choice([1.0, 1.5, 2.0, 3.5])), float(rng.uniform(1, 5))
    out = np.zeros(n)
    per = n // len(notes)
    tt = np.arange(per) / rate
    for k, f in enumerate(notes):
        env = np.exp(-tt * 4.0) * np.minimum(1.0, tt * 200)
        out[k * per:(k + 1) * per] = env * np.sin(2 * np.pi * f * tt + index * env * np.sin(2 * np.pi * f * ratio * tt))
    return (0.25 * out / np.max(np.abs(out))).astype("float32")


def make_demo(out: str | os.PathLike, seed: int = 0, progress: bool = True) -> Path:
    """Write ``out/manifest.csv`` with ``images/``, ``audio/`` and ``demo.json`` (seed and
    versions), built aside, then renamed into place."""
    import soundfile as sf

    from benchmark.tasks import load_all_tasks

    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BenchError("the demo folder already exists", where=str(out), fix="give a new --out folder")
    tasks = [t for t in load_all_tasks().values() if t.answer_format in ("image", "audio")]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.demo-"))
    rows = []
    try:
        (staging / "images").mkdir()
        (staging / "audio").mkdir()
        jobs = [(t, it, src) for t in tasks for it in t.items
                for src in (IMAGE_SOURCES if t.answer_format == "image" else AUDIO_SOURCES)]
        for task, item, source in tqdm(jobs, desc="media demo", unit="file", disable=not progress):
            rng = _rng(seed, task.task_id, item.item_id, source)
            style = source.split("/", 1)[1]
            if task.answer_format == "image":
                ext = IMAGE_SOURCES[source]
                rel = f"images/{task.task_id}-{item.item_id}-{style}.{ext}"
                im = (shapes_image if style == "shapes" else lines_image)(rng, item.item or task.task_id)
                buf = io.BytesIO()
                im.save(buf, "PNG" if ext == "png" else "JPEG", quality=88)
                (staging / rel).write_bytes(buf.getvalue())
            else:
                ext = AUDIO_SOURCES[source]
                rel = f"audio/{task.task_id}-{item.item_id}-{style}.{ext}"
                clip = (additive_clip if style == "additive" else fm_clip)(rng)
                sf.write(str(staging / rel), clip, SAMPLE_RATE, format=ext.upper(), subtype="PCM_16")
            rows.append({"task_id": task.task_id, "item": item.item_id, "source": source, "media_path": rel})
        pd.DataFrame(rows).to_csv(staging / "manifest.csv", index=False)
        from benchmark.runner.manifest import now_iso, package_versions

        (staging / "demo.json").write_text(json.dumps({
            "made_by": "creativity-bench media demo (procedural; no person and no model made these files)",
            "seed": seed, "created_at": now_iso(), "files": len(rows),
            "packages": package_versions(("creativity-bench", "pillow", "numpy", "soundfile")),
        }, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out / "manifest.csv"
