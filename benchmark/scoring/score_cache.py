"""Per-row score cache: a re-score recomputes only what changed.

Why: after a scorer change the other scorers of a run would otherwise redo all their
per-row work (a 50k-idea data set spends ~15 s of Python in them even with every
embedding and word feature cached). A per-row scorer's result depends only on its
inputs (the row's task, item, text, ideas...), its configuration, and the code and
files it runs with, so the key is exactly that:

* the scorer name, its version (with ``config_version``'s vectors/params tag) and its
  options;
* a fingerprint of every file under ``benchmark/scoring`` (code and shipped parameters),
  of the answer parser (``benchmark/tasks/parse.py``), plus the size and mtime of any vectors/params/dictionary
  file the scorer was given: any code or data change invalidates every entry;
* the row's scoring inputs (``INPUT_COLUMNS``), never its key (source, sample_idx).

Not cached: the LLM judges (a call to a live model is not a function of its inputs) and
the group scorers (``diversity``, ``diversity_distance``: a row's value depends on the
other rows of its group; their partitions are cached per group instead). Percentiles are
attached after, from the norms of the moment.

Entries live in ``<cache>/embeddings/scores.sqlite`` (``CREATIVITY_BENCH_CACHE``).
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmark.records import RESPONSE_KEY, SCORE_COLUMNS

UNCACHED = frozenset({"judge_originality", "judge_writing", "diversity", "diversity_distance"})
INPUT_COLUMNS = ["task_id", "task_version", "item_id", "item", "family", "answer_format", "solution", "text", "ideas",
                 "problem", "error", "truncated"]
_SCORING_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the scoring code and every file shipped beside it: the originality and
    writing_creativity parameters, the stop-word list (a refit must never be served the
    scores of the old fit)."""
    h = hashlib.blake2b(digest_size=16)
    files = sorted(_SCORING_DIR.rglob("*"))
    files.append(_SCORING_DIR.parent / "tasks" / "parse.py")  # how list answers become ideas
    for p in files:
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(_SCORING_DIR.parent)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _file_tags(scorer: Any) -> str:
    tags = []
    for attr in ("vectors", "params", "dictionary"):
        value = getattr(scorer, attr, None)
        if isinstance(value, (str, Path)) and str(value):
            try:
                st = Path(str(value)).expanduser().stat()
                tags.append(f"{attr}={Path(str(value)).resolve()}|{st.st_size}|{st.st_mtime_ns}")
            except OSError:
                tags.append(f"{attr}={value}|missing")
    return ";".join(tags)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    return str(value)


def _store() -> Any:
    from benchmark.scoring.text_features import feature_store

    return feature_store("scores")


def _encode(value: float, details: str) -> bytes:
    return struct.pack("<d", value) + details.encode("utf-8")


def _decode(blob: bytes) -> tuple[float, str]:
    return struct.unpack("<d", bytes(blob[:8]))[0], bytes(blob[8:]).decode("utf-8")


def row_digests(rows: pd.DataFrame) -> list[bytes]:
    """A digest of each row's scoring inputs (computed once, shared by every scorer)."""
    cols = [c for c in INPUT_COLUMNS if c in rows.columns]
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    return [hashlib.blake2b(dumps([_plain(v) for v in values]).encode("utf-8"), digest_size=16).digest()
            for values in zip(*(rows[c].tolist() for c in cols))]


def score_with_cache(name: str, scorer: Any, rows: pd.DataFrame, version: str, options: dict[str, Any],
                     digests: "list[bytes] | None" = None) -> pd.DataFrame:
    """``scorer.score(rows)`` with ``SCORE_COLUMNS``, reading unchanged rows from the cache.

    ``version`` is the version to record (``config_version`` of the scorer); ``digests``
    the rows' ``row_digests`` when the caller has them."""
    if name in UNCACHED or rows.empty:
        out = scorer.score(rows)
        out["scorer_version"] = version
        return out
    prefix = json.dumps([name, version, sorted((k, repr(v)) for k, v in options.items()), code_fingerprint(),
                         _file_tags(scorer)]).encode("utf-8")
    head = hashlib.blake2b(prefix, digest_size=16).digest()
    keys = [hashlib.blake2b(head + d, digest_size=16).hexdigest() for d in (digests or row_digests(rows))]
    found = _store().get_many(keys)
    miss = [i for i, k in enumerate(keys) if k not in found]
    values = np.empty(len(rows))
    details: list[str] = [""] * len(rows)
    for i, k in enumerate(keys):
        blob = found.get(k)
        if blob is not None:
            values[i], details[i] = _decode(blob)
    if miss:
        fresh = scorer.score(rows.iloc[miss].reset_index(drop=True))
        new = []
        for j, i in enumerate(miss):
            v, d = float(fresh["value"].iloc[j]), str(fresh["details"].iloc[j])
            values[i], details[i] = v, d
            new.append((keys[i], _encode(v, d)))
        _store().put_many(new)
    out = rows[RESPONSE_KEY].copy().reset_index(drop=True)
    out["scorer"] = name
    out["scorer_version"] = version
    out["value"] = values
    out["details"] = details
    return out[SCORE_COLUMNS]


__all__ = ["INPUT_COLUMNS", "UNCACHED", "code_fingerprint", "row_digests", "score_with_cache"]
