"""Images and sounds in a study: blinded copies under opaque names, and what a page shows.

Why: a rater's browser must receive nothing but pixels and samples. When a study is
written, every image or sound it shows is re-encoded by ``benchmark.media.sanitize``
with one policy for the whole study (one image format, every picture centred on a square
of one size, so a pair shows at the same size left and right; one audio format, sample
rate, channel layout and loudness), and saved under an HMAC name keyed with a fresh secret
that is thrown away. The study config keeps only text id -> opaque name and type; which
response a file came from stays in ``source_map`` like any text. The served folder holds
those files and nothing else, is built aside and renamed into place, and a failure leaves
neither a half-written folder nor a study behind.

A sound must be listened to before an answer counts: the page's player reports how long
it actually played (``listen_s``, default 5 seconds or the whole clip when shorter), and
the server refuses submits faster than that (``min_time_s`` is raised to it, twice it for
a pair of sounds).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from benchmark.errors import BenchError

_NAME = re.compile(r"^[0-9a-f]{20}\.[a-z0-9]{2,4}$")


def media_options(given: dict[str, Any] | None) -> dict[str, Any]:
    """The study's media settings (``config.Media``: the ``media:`` keys of a study config),
    defaults filled in; an unknown key or a value out of range is one line."""
    import pydantic

    from benchmark.studies.config import Media

    try:
        return Media(**{k: v for k, v in (given or {}).items() if v is not None}).model_dump()
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise BenchError(f"media.{where}: {err['msg']}", fix=f"media settings are {', '.join(Media.model_fields)}") from None


LOOK_S = 4.0  # seconds a rater takes to look at one image (beside reading the prompt)


def media_seconds(mode: str, media: dict[str, Any] | None, kinds: set[str]) -> float:
    """Seconds an item's images or sounds add to the session plan: looking at each image and
    hearing each sound for ``listen_s`` (a pair has two of them)."""
    per = LOOK_S if "image" in kinds else 0.0
    if "audio" in kinds:
        per = max(per, float(media_options(media)["listen_s"]))
    return per * (2 if mode == "pairwise" else 1)


def policy_of(opts: dict[str, Any]):
    from benchmark.media.sanitize import BlindingPolicy

    return BlindingPolicy(image_format=opts["image_format"], max_side=int(opts["max_side"]),
                          audio_format=opts["audio_format"], samplerate=int(opts["samplerate"]),
                          channels=int(opts["channels"]), lufs=float(opts["lufs"]),
                          max_seconds=float(opts["max_seconds"]) if opts["max_seconds"] else None, square=True)


def served_dir(store_url: str, study_id: str, opts: dict[str, Any]) -> Path:
    """Where a study's blinded files live (an absolute path, recorded in its config)."""
    from benchmark.studies.engine import sqlite_path

    if opts.get("dir"):
        return Path(opts["dir"]).expanduser().resolve()
    db = sqlite_path(store_url)
    return ((db.parent if db is not None else Path("results")) / "media" / study_id).resolve()


def _exists(store, study_id: str) -> bool:
    return any(s["study_id"] == study_id for s in store.list_studies())


def write_media_study(store, spec, design: dict, replace: bool = False) -> dict:
    """Blind every file the design shows, then write the study; returns its summary."""
    from benchmark.media.sanitize import blind_file
    from benchmark.media.types import MediaTypeError, kind_of
    from benchmark.runner.manifest import package_versions

    opts = media_options(getattr(spec, "media", None))
    policy = policy_of(opts)
    if _exists(store, spec.study_id) and not replace:
        raise BenchError(f"study '{spec.study_id}' already exists", where=store.safe_url,
                         fix="pick another id or pass --replace")
    target = served_dir(store.url, spec.study_id, opts)
    if target.exists() and any(target.iterdir()) and not replace:
        raise BenchError("the served media folder exists and is not empty", where=str(target),
                         fix="set media.dir to a new folder, or pass --replace")
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]  # removed again on failure
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.serving-"))
    written = False
    salt = secrets.token_hex(16)  # never stored: the names cannot be recomputed from the sources
    files: dict[str, dict[str, str]] = {}
    old: Path | None = None
    try:
        quiet = len(design["media"]) < 5 or not sys.stderr.isatty()  # a bar for people, not for logs
        for m in tqdm(design["media"], desc="blind media", unit="file", disable=quiet):
            try:
                served = blind_file(m["file"], staging, policy, salt)
            except (MediaTypeError, OSError, ValueError) as exc:
                raise BenchError(f"cannot re-encode {Path(m['file']).name}: {exc}", where=str(m["file"]),
                                 fix="re-import the file; every image or sound a study shows must decode") from None
            files[m["text_id"]] = {"name": served.name, "type": served.media_type}
        kinds = {kind_of(f["type"]) for f in files.values()}
        config = dict(design["config"])
        config["media"] = {"dir": str(target), "files": files, "listen_s": float(opts["listen_s"]),
                           "policy": policy.as_dict(), "kinds": sorted(kinds),
                           "packages": package_versions(("pillow", "soundfile", "pyloudnorm", "scipy"))}
        if "audio" in kinds:  # the server's floor under the page's own check: each sound of a pair in turn
            per_item = float(opts["listen_s"]) * (2 if spec.mode == "pairwise" else 1)
            config["min_time_s"] = max(float(config.get("min_time_s") or 0), per_item)
        if target.exists():
            old = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
            os.replace(target, old)
        os.replace(staging, target)
        try:
            store.create_study(spec.study_id, spec.mode, config, design["texts"], design["sources"],
                               design["items"], replace=replace)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            if old is not None:
                os.replace(old, target)
                old = None
            raise
        written = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        for folder in [] if written else made:  # innermost first; only the empty ones this call made
            with contextlib.suppress(OSError):
                folder.rmdir()
    n_images = sum(1 for f in files.values() if f["type"].startswith("image/"))
    return {**design["summary"], "media": {"images": n_images, "sounds": len(files) - n_images,
                                           "served_dir": str(target), "listen_s": float(opts["listen_s"])}}


# --------------------------------------------------------------------------- what a page shows

def item_media(store, study_id: str, item_id: str, swapped: bool = False) -> list[dict | None]:
    """The served file of each answer of an item, in the order this rater sees them
    (None for an answer without media, e.g. an attention check); [] in a text study."""
    from sqlalchemy import select

    from benchmark.studies.models import Item

    files = (store.config(study_id).get("media") or {}).get("files") or {}
    if not files:
        return []
    with store.read() as conn:
        row = conn.execute(select(Item.text_a, Item.text_b).where(Item.study_id == study_id,
                                                                 Item.item_id == item_id)).first()
    if row is None:
        return []
    ids = [row[0]] + ([row[1]] if row[1] else [])
    if swapped and len(ids) == 2:
        ids = ids[::-1]
    return [files.get(i) for i in ids]


def served_bytes(config: dict, entry: dict) -> bytes:
    """The bytes of one served file (only an opaque name inside the study's folder is read)."""
    name = str(entry.get("name", ""))
    if not _NAME.fullmatch(name):
        raise BenchError(f"not a served media name: {name!r}")
    return (Path(config["media"]["dir"]) / name).read_bytes()
