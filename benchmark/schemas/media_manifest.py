"""The media manifest table: ``task_id, item, source, media_path[, text]``, one row per file.

Only the columns are checked here (present, filled, text); the files they name are
checked by ``benchmark.media.manifest``, which needs the file system.
"""

from __future__ import annotations

import pandera.pandas as pa

_filled = pa.Check.str_length(min_value=1, error="filled")

MEDIA_MANIFEST = pa.DataFrameSchema(
    {
        "task_id": pa.Column(str, _filled, nullable=False, coerce=True),
        "item_id": pa.Column(str, _filled, nullable=False, coerce=True),
        "source": pa.Column(str, _filled, nullable=False, coerce=True),
        "media_path": pa.Column(str, _filled, nullable=False, coerce=True),
        "text": pa.Column(str, nullable=True, required=False, coerce=True),
        "media_type": pa.Column(str, nullable=True, required=False, coerce=True),
        "sample_idx": pa.Column(int, pa.Check.ge(0), nullable=False, required=False, coerce=True),
    },
    strict=False,
)

__all__ = ["MEDIA_MANIFEST"]
