"""Turn any response table into what scorers expect, and say which rows cannot be scored.

Responses arrive from run folders (full ``RESPONSE_COLUMNS``) or from other studies as a
plain long table ``task_id, item, text[, source]``. This module fills the missing key
columns, looks each ``(task_id, item_id)`` up in the task suite to attach the stimulus
(``item``), ``family``, ``answer_format``, the task's own scorer list and, for convergent
tasks, the ``solution``, and finds rows whose text cannot be scored (empty, NaN, a failed
generation) so they get NaN with a reason instead of a silent zero.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.records import RESPONSE_KEY
from benchmark.schemas.responses import check_sample_idx, check_unique_key

TASK_COLUMNS = ["item", "family", "answer_format", "solution", "task_scorers"]
# Bounded work per response: beyond these a response is truncated for scoring, with the
# reason in every score's ``details["truncated"]``. The longest answers in the shipped
# tasks and the human data sets are a few thousand characters and a few dozen ideas; a
# runaway generation (one 5 MB answer of 115k lines) must not stall the batch.
MAX_IDEAS = 200
MAX_CHARS = 20_000
_NUMBERING = re.compile(r"^\s*(?:[-*\u2022\u2013>]+|\(?\d{1,3}[.):\]]|\(?[a-zA-Z][.)])\s*")
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``"Tin can"`` -> ``"tin_can"``: how a plain table's ``item`` becomes an ``item_id``."""
    return _SLUG.sub("_", str(text).strip().lower()).strip("_")


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA all mean "no value" (a CSV cell left empty)."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def text_problem(text: Any, error: Any = None) -> str | None:
    """Why a response cannot be scored, or None when it can."""
    if not is_missing(error) and str(error).strip():
        return f"generation failed: {str(error).strip()[:200]}"
    if is_missing(text):
        return "no response text (empty cell, NaN or None)"
    if not isinstance(text, str):
        return f"response text is a {type(text).__name__}, not a string"
    if not text.strip():
        return "empty response"
    return None


def split_ideas(text: str) -> list[str]:
    """One idea per line (numbering and bullets stripped); a single line is split on ';'."""
    lines = [ln for ln in str(text).splitlines() if ln.strip()]
    if len(lines) == 1 and ";" in lines[0]:
        lines = lines[0].split(";")
    ideas = [_NUMBERING.sub("", ln).strip() for ln in lines]
    return [i for i in ideas if i]


def ideas_of(text: Any, ideas: Any = None) -> list[str]:
    """The idea list of a response: the parsed ``ideas`` column when present, else the text."""
    if isinstance(ideas, (list, tuple, np.ndarray)):
        return [i if isinstance(i, str) else str(i) for i in ideas
                if (i.strip() if isinstance(i, str) else not is_missing(i) and str(i).strip())]
    if is_missing(text) or not isinstance(text, str):
        return []
    try:
        from benchmark.tasks import parse_answer

        parsed = parse_answer(text, "ideas")
        if parsed is not None:
            return [p for p in parsed if p and p.strip()]
    except ImportError:  # the task package is optional for plain tables
        pass
    return split_ideas(text)


@lru_cache(maxsize=None)
def _task_lookup(task_id: str) -> "tuple[Any, dict[str, str]] | None":
    """The task (or None when unknown) and a map stimulus-text -> item_id for plain tables."""
    try:
        from benchmark.tasks import load_task
    except ImportError:
        return None
    try:
        task = load_task(task_id)
    except (BenchError, KeyError, FileNotFoundError, ValueError):
        return None
    by_label = {}
    for it in task.items:
        by_label[str(it.item).strip().lower()] = it.item_id
        by_label[slug(it.item)] = it.item_id
    return task, by_label


def task_item(task_id: str, item_id: str) -> Any | None:
    """The suite's ``TaskItem`` or None when the task or item is not in the suite."""
    found = _task_lookup(str(task_id))
    if found is None:
        return None
    task, _ = found
    for it in task.items:
        if it.item_id == item_id:
            return it
    return None


def resolve_item_id(task_id: str, item: str) -> str:
    """Map a plain table's stimulus text onto the suite's item id (slug otherwise)."""
    found = _task_lookup(str(task_id))
    if found is not None:
        _, by_label = found
        key = str(item).strip().lower()
        if key in by_label:
            return by_label[key]
        if slug(item) in by_label:
            return by_label[slug(item)]
    return slug(item) or str(item)


def normalise_responses(df: pd.DataFrame, where: str = "responses") -> pd.DataFrame:
    """Fill the response key columns a plain table lacks; raise one line when it cannot.

    ``item_id`` comes from ``item``; ``sample_idx`` from row order within
    ``(task_id, item_id, source)``; ``source`` defaults to ``"unknown"``;
    ``task_version`` to the suite's version (or ``""`` for tasks outside the suite).
    """
    if df is None or not isinstance(df, pd.DataFrame):
        raise BenchError("responses must be a table (pandas DataFrame)", where=where)
    missing = [c for c in ("task_id", "text") if c not in df.columns]
    if "item_id" not in df.columns and "item" not in df.columns:
        missing.append("item (or item_id)")
    if missing:
        raise BenchError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, df.columns)) or 'none'}",
            where=where,
            fix="a response table needs task_id, item (or item_id) and text; source is optional",
        )
    out = df.copy().reset_index(drop=True)
    _python_strings(out)
    bad_task = out["task_id"].map(is_missing) | (out["task_id"].astype(str).str.strip() == "")
    if bad_task.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad_task.to_numpy())[:5])
        raise BenchError(f"task_id is empty on row(s) {rows}", where=where, fix="fill task_id on every row")
    out["task_id"] = out["task_id"].astype(str).str.strip()
    if "item_id" not in out.columns:
        bad_item = out["item"].map(is_missing)
        # a one-item task (DAT) needs no stimulus: its only item is meant
        single = {t: _single_item(t) for t in out.loc[bad_item, "task_id"].unique()}
        out.loc[bad_item, "item"] = [single[t] if single[t] is not None else None for t in out.loc[bad_item, "task_id"]]
        bad_item = out["item"].map(is_missing)
        if bad_item.any():
            rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad_item.to_numpy())[:5])
            raise BenchError(f"item is empty on row(s) {rows}", where=where, fix="fill item on every row")
        out["item_id"] = [resolve_item_id(t, i) for t, i in zip(out["task_id"], out["item"])]
    out["item_id"] = out["item_id"].astype(str)
    if "source" not in out.columns:
        out["source"] = "unknown"
    out["source"] = out["source"].where(~out["source"].map(is_missing), "unknown").astype(str)
    if "task_version" not in out.columns:
        out["task_version"] = [_suite_version(t) for t in out["task_id"]]
    out["task_version"] = out["task_version"].where(~out["task_version"].map(is_missing), "").astype(str)
    if "sample_idx" not in out.columns:
        out["sample_idx"] = out.groupby(["task_id", "item_id", "source"], sort=False).cumcount()
    out = check_sample_idx(out, where)
    return check_unique_key(out, RESPONSE_KEY, where,
                            fix="each (task_id, task_version, item_id, source, sample_idx) must be unique")


def _single_item(task_id: str) -> str | None:
    found = _task_lookup(str(task_id))
    if found is None or len(found[0].items) != 1:
        return None
    return found[0].items[0].item_id


def _suite_version(task_id: str) -> str:
    found = _task_lookup(str(task_id))
    return "" if found is None else str(found[0].version)


def attach_task_fields(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``item``, ``family``, ``answer_format``, ``solution``, ``task_scorers`` from the suite.

    Columns already present win (a plain table's own ``item`` is kept); for tasks the
    suite does not know, ``item`` falls back to the table's item or the item_id.
    """
    out = df.copy()
    looked: dict[tuple[str, str], dict[str, Any]] = {}
    for key in out[["task_id", "item_id"]].drop_duplicates().itertuples(index=False):
        it = task_item(key.task_id, key.item_id)
        if it is None:
            # an item outside the suite keeps its task's kind (a story is still a story)
            found = _task_lookup(key.task_id)
            task = found[0] if found is not None else None
            looked[(key.task_id, key.item_id)] = {
                "item": key.item_id.replace("_", " "),
                "family": getattr(task, "family", None), "answer_format": getattr(task, "answer_format", None),
                "solution": None, "task_scorers": tuple(task.scorers) if task is not None else None,
            }
        else:
            fields = dict(getattr(it, "fields", {}) or {})
            looked[(key.task_id, key.item_id)] = {
                "item": it.item or "", "family": it.family, "answer_format": it.answer_format,
                "solution": solution_text(fields), "task_scorers": tuple(it.scorers),
            }
    keys = list(zip(out["task_id"], out["item_id"]))
    for col in TASK_COLUMNS:
        filled = [looked[k][col] for k in keys]
        if col in out.columns:
            own = out[col]
            out[col] = [f if is_missing(o) or (isinstance(o, str) and not o.strip() and col != "item") else o
                        for o, f in zip(own, filled)]
        else:
            out[col] = pd.Series(filled, index=out.index, dtype=object)
    return out


def solution_text(fields: dict[str, Any]) -> str | None:
    """A convergent item's solution; alternatives (``solutions``) joined with '/'."""
    alts = fields.get("solutions")
    if isinstance(alts, (list, tuple)) and alts:
        return "/".join(str(a) for a in alts)
    sol = fields.get("solution")
    return None if sol is None else str(sol)


@lru_cache(maxsize=1)
def _parsed_ideas_memo() -> Any:
    """``ideas_of(text)`` remembered per text, in the process and on disk (keyed by the
    parser's source, so a change to ``benchmark/tasks/parse.py`` parses again)."""
    import hashlib
    from pathlib import Path

    from benchmark.scoring.text_features import TextMemo

    parser = Path(__file__).resolve().parents[1] / "tasks" / "parse.py"
    tag = hashlib.blake2b(parser.read_bytes() if parser.is_file() else b"", digest_size=8).hexdigest()
    return TextMemo(f"ideas_of/1+{tag}", ideas_of)


@dataclass(frozen=True)
class ResponseLimits:
    """How much of one response is scored: ``max_ideas`` ideas and ``max_chars`` characters."""

    max_ideas: int = MAX_IDEAS
    max_chars: int = MAX_CHARS


def response_limits(max_ideas: "int | str | None" = None, max_chars: "int | str | None" = None) -> ResponseLimits:
    """The limits to use: the arguments, else ``CREATIVITY_BENCH_MAX_IDEAS`` /
    ``CREATIVITY_BENCH_MAX_CHARS``, else ``MAX_IDEAS`` (200) / ``MAX_CHARS`` (20,000)."""
    return ResponseLimits(_limit(max_ideas, "CREATIVITY_BENCH_MAX_IDEAS", MAX_IDEAS, "max_ideas"),
                          _limit(max_chars, "CREATIVITY_BENCH_MAX_CHARS", MAX_CHARS, "max_chars"))


def _limit(value: "int | str | None", env: str, default: int, what: str) -> int:
    where = what if value is not None else env
    raw = value if value is not None else os.environ.get(env)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    try:
        n = int(str(raw).strip().replace("_", ""))
    except ValueError:
        raise BenchError(f"{what} must be a whole number, got '{raw}'", where=where,
                         fix=f"give a positive integer (default {default:,})") from None
    if n < 1:
        raise BenchError(f"{what} must be at least 1, got {n}", where=where, fix=f"give a positive integer (default {default:,})")
    return n


def cut_text(text: Any, max_chars: int) -> tuple[Any, str | None]:
    """``text`` cut to ``max_chars`` (at the last line break when there is one near the end)."""
    if not isinstance(text, str) or len(text) <= max_chars:
        return text, None
    cut = text[:max_chars]
    nl = cut.rfind("\n")
    if nl >= max_chars // 2:  # do not leave half an idea (a list answer is one idea a line)
        cut = cut[:nl]
    return cut, f"text cut to its first {len(cut):,} of {len(text):,} characters (max_chars {max_chars:,})"


def cap_ideas(ideas: Any, max_ideas: int) -> tuple[Any, str | None]:
    """The first ``max_ideas`` ideas of a parsed list, and the reason when some were dropped."""
    if isinstance(ideas, (list, tuple, np.ndarray)) and len(ideas) > max_ideas:
        return list(ideas[:max_ideas]), f"first {max_ideas:,} of {len(ideas):,} ideas scored (max_ideas {max_ideas:,})"
    return ideas, None


def prepare_responses(df: pd.DataFrame, where: str = "responses", limits: ResponseLimits | None = None) -> pd.DataFrame:
    """Normalise keys, attach task fields, bound each response (``limits``) and add
    ``problem`` (None or why unscorable) and ``truncated`` (None or what was cut)."""
    limits = limits or response_limits()
    out = attach_task_fields(normalise_responses(df, where))
    cuts = [cut_text(t, limits.max_chars) for t in out["text"]]
    out["text"] = pd.Series([c[0] for c in cuts], index=out.index, dtype=object)
    # list answers get their parsed ideas once, so every scorer sees the same list
    if "ideas" not in out.columns:
        out["ideas"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    memo = _parsed_ideas_memo()
    memo.prefetch(t for t, fmt in zip(out["text"], out["answer_format"]) if fmt == "ideas")
    parsed = [
        memo(t) if fmt == "ideas" and not isinstance(i, (list, tuple, np.ndarray)) and isinstance(t, str) else i
        for t, i, fmt in zip(out["text"], out["ideas"], out["answer_format"])
    ]
    memo.flush()
    capped = [cap_ideas(i, limits.max_ideas) for i in parsed]
    out["ideas"] = pd.Series([c[0] for c in capped], index=out.index, dtype=object)
    out["truncated"] = pd.Series(["; ".join(r for r in (a[1], b[1]) if r) or None for a, b in zip(cuts, capped)],
                                 index=out.index, dtype=object)
    errors = out["error"] if "error" in out.columns else [None] * len(out)
    out["problem"] = [text_problem(t, e) for t, e in zip(out["text"], errors)]
    _python_strings(out)
    return out


def _python_strings(df: pd.DataFrame) -> None:
    """Arrow-backed ``str`` columns -> Python strings, in place: every scorer walks these
    columns row by row, and iterating an Arrow column converts each element each time."""
    for col in df.columns:
        if pd.api.types.is_string_dtype(df[col].dtype) and df[col].dtype != object:
            df[col] = df[col].astype(object)


__all__ = [
    "MAX_CHARS", "MAX_IDEAS", "ResponseLimits", "cap_ideas", "cut_text", "response_limits",
    "attach_task_fields", "ideas_of", "is_missing", "normalise_responses", "prepare_responses",
    "resolve_item_id", "slug", "split_ideas", "task_item", "text_problem",
]
