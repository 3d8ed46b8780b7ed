"""Identifiers that arrive in a link (panel ids, rater ids, study ids), checked at entry.

Why: anything in a query string is typed by a stranger. A 300-character id overflows a
``VARCHAR(200)`` on PostgreSQL and a NUL byte is refused by its driver: both used to crash
the rater page with the SQL statement on screen. Ids are checked here, before the store
sees them, and a bad one becomes a polite "this link is not valid".
"""

from __future__ import annotations

import re

from benchmark.errors import BenchError
from benchmark.records import is_human_source

MAX_ID_CHARS = 128
# Prolific ids are 24 hex characters; MTurk, CloudResearch and lab ids are letters, digits
# and a few separators. Nothing else is needed, and nothing else can hurt a page or a query.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+\-]*")
STUDY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,99}")
POOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,59}")


def clean_id(value: object, what: str) -> str | None:
    """``value`` as an id (None when absent); BenchError when it could not be one."""
    if value is None:
        return None
    text = str(value)
    if text == "":
        return None
    if len(text) > MAX_ID_CHARS:
        raise BenchError(f"{what} is {len(text)} characters long (at most {MAX_ID_CHARS})",
                         fix="use the link exactly as the panel gave it")
    if not _ID.fullmatch(text):
        raise BenchError(f"{what} has characters an id cannot have",
                         fix="ids use letters, digits and . _ : @ + -")
    return text


def check_study_id(value: str) -> str:
    """A study id: letters, digits, '-' and '_', at most 100 characters."""
    if not isinstance(value, str) or not STUDY_ID.fullmatch(value):
        raise BenchError(f"bad study id {value!r}", fix="use letters, digits, '-' and '_' (at most 100)")
    return value


def check_pool(value: str) -> str:
    """A human pool name (``human/<pool>``): it becomes a source and a run id, so a slug."""
    name = str(value).removeprefix("human/")
    if not POOL.fullmatch(name):
        raise BenchError(f"bad pool name {value!r}",
                         fix="use letters, digits, '-' and '_' (e.g. prolific-2026-11)")
    return name


def check_human_sources(sources, where: str) -> None:
    """Every ``human/<pool>`` among ``sources`` names a valid pool (model sources pass)."""
    for source in sorted({str(s) for s in sources if is_human_source(s)}):
        try:
            check_pool(source)
        except BenchError as exc:
            raise BenchError(f"source {source!r}: {exc.what}", where=where, fix=exc.fix) from None


PANEL_PARAMS = "PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8501"


def study_link(study_id: str, public_url: str | None = None) -> str:
    """The link a panel sends raters to, with Prolific's placeholders for its three ids."""
    return f"{(public_url or DEFAULT_PUBLIC_URL).rstrip('/')}/?study={study_id}&{PANEL_PARAMS}"
