"""Respond mode with images and sounds: a participant's upload becomes a ``human/<pool>`` answer.

Why these checks: an upload is as untrusted as a manifest row, so it gets the same ones as
``media import`` (``benchmark.media.manifest``): a size limit, the type from the bytes (not
the file name: a text file renamed ``.png`` is refused), a full decode (a truncated file
is refused), and the kind the task asks for. The upload is then re-encoded at once
(``benchmark.media.sanitize.reencode``: PNG or FLAC, no metadata), so a phone's GPS
position or a tool's name in the file is never stored at all, only pixels and samples.
It is saved under a name made of the task item and the participant's join order (no
participant id, no original file name), written atomically.

``attach_uploads`` gives an export of the answers ``media_path``/``media_type`` and copies
the files beside it (``media/``), so ``study create --run`` takes the export as it takes a
model run.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from benchmark.errors import BenchError
from benchmark.studies.media_items import media_options

EXTENSIONS = {"image": ["png", "jpg", "jpeg", "webp"], "audio": ["wav", "mp3", "ogg", "flac"]}
UPLOAD_TYPES = ("image/png", "audio/flac")  # what check_upload stores
_SLUG = re.compile(r"[^a-z0-9_-]+")


def upload_dir(store_url: str, study_id: str, config: dict) -> Path:
    """``uploads/<study>`` beside a SQLite store (or under ``results/``), unless ``media.dir`` names one."""
    from benchmark.studies.engine import sqlite_path

    opts = media_options(config.get("media"))
    if opts.get("dir"):
        return Path(opts["dir"]).expanduser().resolve()
    db = sqlite_path(store_url)
    return ((db.parent if db is not None else Path("results")) / "uploads" / study_id).resolve()


def upload_name(task_id: str, item_id: str, seq: int, extension: str) -> str:
    slug = lambda s: _SLUG.sub("-", str(s).lower())[:60] or "x"  # noqa: E731
    return f"{slug(task_id)}.{slug(item_id)}.{int(seq)}.{extension}"


def check_upload(data: bytes, kind: str, max_mb: float) -> tuple[bytes, str]:
    """(clean bytes, media type) of an upload; a ``BenchError`` says in one line what is wrong."""
    from benchmark.media.sanitize import BlindingPolicy, reencode
    from benchmark.media.types import MediaTypeError, probe

    if len(data) > max_mb * 2**20:
        raise BenchError(f"the file is {len(data) / 2**20:.1f} MB, over the {max_mb:g} MB limit",
                         fix="upload a smaller file (export it at a lower resolution or bitrate)")
    try:
        info = probe(data)
    except MediaTypeError as exc:
        raise BenchError(f"the file is not a complete image or sound ({exc})",
                         fix=f"upload a {' / '.join(EXTENSIONS[kind]).upper()} file") from None
    if info.kind != kind:
        raise BenchError(f"this task asks for {'an image' if kind == 'image' else 'a sound'}, and the file is "
                         f"{'an image' if info.kind == 'image' else 'a sound'}",
                         fix=f"upload a {' / '.join(EXTENSIONS[kind]).upper()} file")
    longest = max(info.width or 0, info.height or 0)  # kept as uploaded, up to 4096 pixels
    policy = BlindingPolicy(image_format="png", max_side=min(4096, max(16, longest)),  # UPLOAD_TYPES
                            audio_format="flac", samplerate=44100, channels=2, max_seconds=600)
    clean, media_type, _ = reencode(data, policy)
    return clean, media_type


def save_upload(store, study_id: str, rater: dict, spec: dict, data: bytes) -> str:
    """Check, clean and save one upload; returns its file name in the study's upload folder."""
    from benchmark.media.types import MEDIA_TYPES

    cfg = store.config(study_id)
    opts = media_options(cfg.get("media"))
    clean, media_type = check_upload(data, spec.get("answer_format") or "", float(opts["max_mb"]))
    folder = upload_dir(store.url, study_id, cfg)
    folder.mkdir(parents=True, exist_ok=True)
    name = upload_name(spec["task_id"], spec["item_id"], int(rater["seq"]), MEDIA_TYPES[media_type])
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(clean)
        os.replace(tmp, folder / name)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return name


def attach_uploads(db_url: str | None, study_id: str, df: pd.DataFrame, out_dir: str | Path) -> pd.DataFrame:
    """Exported answers with ``media_path``/``media_type`` for the uploads, copied to ``out_dir/media``."""
    from benchmark.media.types import MEDIA_TYPES
    from benchmark.studies.store import open_store

    store = open_store(db_url)
    cfg = store.config(study_id)
    kinds = {(i["task_id"], i["item_id"]): i.get("answer_format") for i in cfg.get("respond_items", [])}
    if not df.size or not any(k in EXTENSIONS for k in kinds.values()):
        return df
    folder = upload_dir(store.url, study_id, cfg)
    paths, types = [], []
    media = Path(out_dir) / "media"
    for rec in df.to_dict("records"):
        hit = None
        if kinds.get((rec["task_id"], rec["item_id"])) in EXTENSIONS:
            for media_type in UPLOAD_TYPES:
                name = upload_name(rec["task_id"], rec["item_id"], int(rec["sample_idx"]), MEDIA_TYPES[media_type])
                if (folder / name).is_file():
                    hit = (name, media_type)
        if hit is None:
            paths.append(None)
            types.append(None)
            continue
        media.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / hit[0], media / hit[0])
        paths.append(f"media/{hit[0]}")
        types.append(hit[1])
    return df.assign(media_path=paths, media_type=types)


def remove_uploads(db_url: str | None, study_id: str, rater_id: str) -> int:
    """Delete the files a participant (by rater id) uploaded: a withdrawal deletes their
    answers, and the files go with them. Returns how many were deleted."""
    from sqlalchemy import select

    from benchmark.studies.models import Rater
    from benchmark.studies.store import open_store

    store = open_store(db_url)
    cfg = store.config(study_id)
    if cfg.get("mode") != "respond" and "respond_items" not in cfg:
        return 0
    with store.read() as conn:
        seq = conn.execute(select(Rater.seq).where(Rater.study_id == study_id, Rater.rater_id == rater_id)).scalar()
    folder = upload_dir(store.url, study_id, cfg)
    if seq is None or not folder.exists():
        return 0
    gone = 0
    for f in folder.iterdir():
        parts = f.name.split(".")
        if len(parts) == 4 and parts[2] == str(int(seq)):
            f.unlink()
            gone += 1
    return gone
