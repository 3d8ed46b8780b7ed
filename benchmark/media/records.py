"""Media in response records: the two columns and the payload a backend hands over.

A response may carry ``media_path`` (relative to its run folder, so a run folder can be
moved or archived whole) and ``media_type`` beside or instead of ``text``. Backends do not
know the run folder: they return a ``MediaBlob`` (bytes from an API, or a file named in a
manifest) and the runner saves it under a safe name (``benchmark.media.store``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmark.media.types import MEDIA_TYPES, kind_of
from benchmark.records import MEDIA_COLUMNS

MEDIA_DIR = "media"


@dataclass(frozen=True)
class MediaBlob:
    """An image or a sound produced for one unit: either ``data`` or an existing ``path``."""

    media_type: str
    data: bytes | None = None
    path: Path | None = None

    def __post_init__(self) -> None:
        kind_of(self.media_type)  # an unsupported type is refused here
        if (self.data is None) == (self.path is None):
            raise ValueError("a MediaBlob holds exactly one of data or path")

    @property
    def extension(self) -> str:
        return MEDIA_TYPES[self.media_type]

    def read(self) -> bytes:
        return self.data if self.data is not None else Path(self.path).read_bytes()  # type: ignore[arg-type]


def has_media(record: dict) -> bool:
    """Whether a response record (a dict or a table row) carries a media file."""
    value = record.get("media_path")
    return isinstance(value, str) and bool(value)
