"""Database engines and schema migrations of the ratings store.

Why it looks like this:
- SQLite is the default (``results/ratings.db``): WAL so readers never block the writer,
  a busy timeout so writers queue instead of failing, ``BEGIN IMMEDIATE`` for every write
  so two raters never both read "slot free" and then race to upgrade their locks.
- PostgreSQL (``postgresql+psycopg://...``) lets several app servers share one store.
- The schema is versioned (``schema_version``) and migrated forward on open, by ordered,
  append-only migrations that are safe to run from many processes at once.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import create_engine, event, func, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from benchmark.errors import BenchError
from benchmark.studies.models import Base, SchemaVersion, Withdrawal

DEFAULT_DB = "results/ratings.db"


def default_db_url() -> str:
    """``CREATIVITY_BENCH_DB`` or the SQLite file ``results/ratings.db``."""
    return os.environ.get("CREATIVITY_BENCH_DB") or f"sqlite:///{DEFAULT_DB}"


def normalise_url(url: str) -> str:
    """Accept a bare path for SQLite and plain ``postgresql://`` (psycopg 3 is the driver)."""
    url = url.strip()
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for PostgreSQL and in-memory SQLite)."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def _utc() -> datetime:
    return datetime.now(timezone.utc)


# --------------------------------------------------------------------------- migrations

def _m1_initial(conn: Connection) -> None:
    Base.metadata.create_all(conn)


def _m2_scales_checklists_withdrawals(conn: Connection) -> None:
    """Dimension sets per item, checklist reasons, and the withdrawals record.

    A store made by version 1 lacks the columns; one made fresh has them already (version 1
    creates the current tables), so each column is added only when missing.
    """
    have = {t: {c["name"] for c in inspect(conn).get_columns(t)} for t in ("items", "ratings")}
    if "dimset" not in have["items"]:
        conn.execute(text("ALTER TABLE items ADD COLUMN dimset VARCHAR(60)"))
    if "reason" not in have["ratings"]:
        conn.execute(text("ALTER TABLE ratings ADD COLUMN reason TEXT"))
    Withdrawal.__table__.create(conn, checkfirst=True)


def _m3_selection_prob(conn: Connection) -> None:
    """Adaptive pairwise studies store each pair's selection probability with its assignment."""
    if "selection_prob" not in {c["name"] for c in inspect(conn).get_columns("assignments")}:
        conn.execute(text("ALTER TABLE assignments ADD COLUMN selection_prob FLOAT"))


# Ordered, append-only: version N is MIGRATIONS[N-1]. Never edit a released one.
MIGRATIONS: list[Callable[[Connection], None]] = [_m1_initial, _m2_scales_checklists_withdrawals, _m3_selection_prob]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(engine: Engine) -> int:
    """Bring the schema to ``SCHEMA_VERSION``; safe to call from many processes at once."""
    for attempt in range(20):
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(immediate=True)
                with conn.begin():
                    if engine.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(731942)"))
                    SchemaVersion.__table__.create(conn, checkfirst=True)
                    current = conn.execute(select(func.max(SchemaVersion.version))).scalar() or 0
                    if current > SCHEMA_VERSION:
                        raise BenchError(
                            f"the ratings store has schema version {current}, newer than this tool's {SCHEMA_VERSION}",
                            where=str(engine.url.render_as_string(hide_password=True)),
                            fix="upgrade creativity-bench",
                        )
                    for version in range(current + 1, SCHEMA_VERSION + 1):
                        MIGRATIONS[version - 1](conn)
                        conn.execute(insert(SchemaVersion).values(version=version, applied_at=_utc()))
                    return SCHEMA_VERSION
        except IntegrityError:  # another process applied the same version first
            time.sleep(0.05 * (attempt + 1))
    raise BenchError("could not migrate the ratings store", fix="check the database is reachable and writable")


# --------------------------------------------------------------------------- engines

def make_engine(url: str) -> Engine:
    """An engine with the settings above; creates the SQLite folder if needed."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            if path.is_dir():
                raise BenchError("the SQLite path is a folder, not a database file", where=str(path),
                                 fix="name a file, e.g. sqlite:///results/ratings.db")
            path.parent.mkdir(parents=True, exist_ok=True)
        # Each operation checks a connection out and returns it. A small pool keeps one open:
        # closing the last connection to a WAL file checkpoints and deletes the WAL (two fsyncs).
        engine = create_engine(url, pool_size=4, max_overflow=100, pool_timeout=60,
                               connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")

        raw = engine.raw_connection()  # WAL is a property of the file: set it once, not per connection
        try:
            raw.cursor().execute("PRAGMA journal_mode=WAL")
        finally:
            raw.close()
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_size=5, max_overflow=80, pool_pre_ping=True, pool_timeout=60)
    raise BenchError(f"unsupported database URL '{url.split('://')[0]}'", fix="use sqlite:///PATH or postgresql+psycopg://...")
