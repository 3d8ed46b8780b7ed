"""Saving a unit's media into its run folder, under a safe name, never half-written.

The name is made from the response key (task, item, source, sample) reduced to
``[a-z0-9._-]`` plus a short digest of the exact key, so no manifest path, user-chosen
file name or odd character reaches the disk, and two sources that slug alike cannot
collide. The bytes go to a temporary file in the same folder, then ``os.replace``: a kill
mid-copy leaves no partial file under the final name. (These names are for researchers;
raters only ever see the opaque names of ``benchmark.media.sanitize``.)
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Sequence

from benchmark.media.records import MEDIA_DIR, MediaBlob

_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def _slug(part: object, limit: int = 40) -> str:
    return _UNSAFE.sub("-", str(part).lower()).strip("-.")[:limit] or "x"


def safe_name(key: Sequence[object], extension: str) -> str:
    """``aut.brick.human-pool-a.0.1a2b3c4d.png`` for key (task, version, item, source, sample)."""
    task_id, _version, item_id, source, sample_idx = key
    digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).hexdigest()[:8]
    return f"{_slug(task_id)}.{_slug(item_id)}.{_slug(source)}.{int(sample_idx)}.{digest}.{extension}"


def save_media(run_dir: str | os.PathLike, key: Sequence[object], blob: MediaBlob) -> tuple[str, str]:
    """Write ``blob`` into ``run_dir/media/``; returns (media_path relative to run_dir, media_type)."""
    folder = Path(run_dir) / MEDIA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = safe_name(key, blob.extension)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            if blob.data is not None:
                out.write(blob.data)
            else:
                with open(blob.path, "rb") as src:  # type: ignore[arg-type]
                    shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, folder / name)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return f"{MEDIA_DIR}/{name}", blob.media_type
