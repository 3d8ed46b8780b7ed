"""``replay/FILE``: answers produced elsewhere enter the same pipeline as generated ones.

A CSV/JSONL/Parquet file with at least ``task_id,item_id,text`` (optional ``source``,
``sample_idx``, ``prompt``, ``latency_s``, ``tokens``) is served unit by unit, so answers
from a closed model run by hand, or from human participants (``source = human/<pool>``),
get the same columns, keys and manifest as a live run. A unit with no row gets the error
"no replayed answer" instead of being silently skipped.

The source comes from the file's ``source`` column (``-M source=X`` then keeps only X's
rows) or, without that column, from ``-M source=...``; it is never guessed, so nothing is
labelled human unless the data says so.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from benchmark.errors import BenchError
from benchmark.models.base import BaseModel, Generation, Message, PermanentError, UnitRef
from benchmark.tabular import read_table

REQUIRED = ("task_id", "item_id", "text")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class ReplayModel(BaseModel):
    """Serves recorded answers keyed by (task_id, item_id, source, sample_idx)."""

    known_options = ("max_mb",)  # max_mb: size limit per media file of a media manifest
    default_concurrency = 64
    cacheable = False
    may_be_human = True

    def __init__(self, spec: str, name: str, options: dict[str, Any]):
        self.path = Path(name).expanduser()
        from benchmark.media.manifest import DEFAULT_MAX_BYTES, is_media_manifest, read_media_manifest

        if is_media_manifest(self.path):  # images or sounds: every file is checked before any unit runs
            from benchmark.models.options import number_option

            max_mb = number_option(options, "max_mb", DEFAULT_MAX_BYTES / 2**20, where=spec, above=0)
            df = read_media_manifest(self.path, max_bytes=int(max_mb * 2**20))
        else:
            df = read_table(self.path, required=REQUIRED)
        wanted = options.get("source")
        if "source" in df.columns:
            if df["source"].isna().any():
                row = int(df.index[df["source"].isna()][0]) + 2
                raise BenchError("empty 'source' value", where=f"{self.path}:{row}", fix="fill the source of every row (human/<pool> for people)")
            df = df.assign(source=df["source"].astype(str))
            if wanted:
                df = df[df["source"] == str(wanted)]
                if df.empty:
                    raise BenchError(f"no rows with source '{wanted}'", where=str(self.path), fix="check -M source=...")
        elif wanted:
            df = df.assign(source=str(wanted))
        else:
            raise BenchError(
                "the replay file has no 'source' column",
                where=str(self.path),
                fix="add a source column or pass -M source=human/<pool> (people) or -M source=<provider/model> (a model)",
            )
        df = df.assign(task_id=df["task_id"].astype(str), item_id=df["item_id"].astype(str))
        from benchmark.schemas.responses import check_sample_idx, check_unique_key

        if "sample_idx" in df.columns:
            df = check_sample_idx(df, str(self.path))
        else:  # the k-th answer to an item from a source is sample k, in file order
            df = df.assign(sample_idx=df.groupby(["task_id", "item_id", "source"]).cumcount())
        check_unique_key(df, ["task_id", "item_id", "source", "sample_idx"], str(self.path))
        from benchmark.studies.panel import check_human_sources

        check_human_sources(df["source"], str(self.path))  # a pool becomes a run id and a folder name
        self.sources = sorted(df["source"].unique().tolist())
        self._rows = {(r["task_id"], r["item_id"], r["source"], int(r["sample_idx"])): r for r in df.to_dict("records")}
        self._counts = df.groupby(["task_id", "item_id", "source"])["sample_idx"].max().add(1).to_dict()
        super().__init__(spec, {k: v for k, v in options.items()}, default_source=self.sources[0])

    def sample_count(self, task_id: str, item_id: str, source: str) -> int | None:
        """How many answers the file holds for an item (None: none at all)."""
        n = self._counts.get((task_id, item_id, source))
        return int(n) if n is not None else None

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "file": str(self.path.resolve()), "sources": self.sources, "rows": len(self._rows)}

    async def generate(
        self,
        messages: list[Message],
        *,
        temperature: float = 0.7,
        max_tokens: int = 256,
        top_p: float = 1.0,
        seed: int | None = None,
        unit: UnitRef | None = None,
    ) -> Generation:
        if unit is None:
            raise PermanentError("replay needs the unit key (task_id, item_id, sample_idx)")
        source = unit.source or self.source
        row = self._rows.get((unit.task_id, unit.item_id, source, unit.sample_idx))
        media_file = row.get("media_file") if row is not None else None
        if row is None or (_missing(row.get("text")) and not media_file):
            raise PermanentError("no replayed answer")
        prompt = row.get("prompt")
        latency = row.get("latency_s")
        tokens = row.get("tokens")
        media = None
        if media_file:
            from benchmark.media.records import MediaBlob

            media = MediaBlob(str(row["media_type"]), path=Path(media_file))
        return Generation(
            text="" if _missing(row.get("text")) else str(row["text"]),
            media=media,
            tokens=None if _missing(tokens) else int(tokens),
            latency_s=None if _missing(latency) else float(latency),
            source=source,
            prompt=None if _missing(prompt) else str(prompt),
        )
