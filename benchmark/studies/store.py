"""The ratings store: engines, migrations, and the transactions raters run.

Why it looks like this:
- SQLite is the default (``results/ratings.db``): WAL so readers never block the writer,
  a busy timeout so writers queue instead of failing, ``BEGIN IMMEDIATE`` for every write
  so two raters never both read "slot free" and then race to upgrade their locks, and a
  fresh connection per operation (``NullPool``) so a killed server leaves nothing open.
- PostgreSQL (``postgresql+psycopg://...``) lets several app servers share one store;
  claims use ``SELECT ... FOR UPDATE SKIP LOCKED`` so concurrent raters take different
  slots without waiting on each other.
- Every claim and submit is one short transaction; unique constraints turn a double
  submit into a no-op, so a resent form or a second tab never duplicates a rating.
- The schema is created and migrated here (``schema_version`` + ordered migrations).
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import BigInteger, and_, bindparam, cast, create_engine, literal, delete, event, exists, func, insert, or_, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from benchmark.errors import BenchError
from benchmark.studies.models import (
    Assignment,
    Base,
    HumanResponse,
    Item,
    ItemText,
    Rater,
    Rating,
    RespondStart,
    SchemaVersion,
    Slot,
    Study,
)

PERM_PRIME = 2_147_483_647  # 2**31 - 1: (ord * mult + offset) mod P is a permutation of items
DEFAULT_DB = "results/ratings.db"
PAIRWISE_CHOICES = ("left", "right", "tie", "both_bad")
TURING_GUESSES = ("human", "ai")


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


def _now() -> float:
    return time.time()


def _utc() -> datetime:
    return datetime.now(timezone.utc)


# --------------------------------------------------------------------------- migrations

def _m1_initial(conn: Connection) -> None:
    Base.metadata.create_all(conn)


# Ordered, append-only: version N is MIGRATIONS[N-1]. Never edit a released one.
MIGRATIONS: list[Callable[[Connection], None]] = [_m1_initial]
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
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
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


@dataclass(frozen=True)
class SubmitResult:
    """What happened to a submit: stored, duplicate (already stored), expired, too_fast."""

    status: str
    check_passed: bool | None = None
    rt_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "duplicate")


class Store:
    """All reads and writes of studies, raters, claims and ratings."""

    def __init__(self, url: str | None = None, *, migrate_schema: bool = True):
        self.url = normalise_url(url or default_db_url())
        self.engine = make_engine(self.url)
        self.is_pg = self.engine.dialect.name == "postgresql"
        self._configs: dict[str, dict] = {}
        self._perms: dict[tuple[str, str], tuple[int, int]] = {}
        self._write_lock = threading.Lock() if not self.is_pg else contextlib.nullcontext()
        if migrate_schema:
            try:
                migrate(self.engine)
            except OperationalError as exc:
                raise BenchError(
                    f"cannot open the ratings store: {str(exc.orig).strip().splitlines()[0]}",
                    where=self.engine.url.render_as_string(hide_password=True),
                    fix="check the --db URL and that the database server is running",
                ) from exc

    # ------------------------------------------------------------------ plumbing
    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction on its own connection (BEGIN IMMEDIATE on SQLite).

        On SQLite, writers of this process also queue on a mutex: SQLite's own busy handler
        sleeps in growing steps, so 50 threads polling it leave the lock idle most of the time.
        Other processes still wait through ``busy_timeout``.
        """
        with self._write_lock:
            with self.engine.connect() as conn:
                conn = conn.execution_options(immediate=True)
                with conn.begin():
                    yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ studies
    def create_study(
        self,
        study_id: str,
        mode: str,
        config: dict,
        texts: list[dict],
        sources: list[dict],
        items: list[dict],
        *,
        replace: bool = False,
    ) -> None:
        """Write a designed study in one transaction (texts, hidden source map, items, k slots each)."""
        from benchmark.studies.models import SourceMap

        k = int(config.get("k", 0))
        self._configs.pop(study_id, None)
        self._perms.clear()
        with self.write() as conn:
            if conn.execute(select(Study.study_id).where(Study.study_id == study_id)).first():
                if not replace:
                    raise BenchError(f"study '{study_id}' already exists", where=self.safe_url, fix="pick another --id or pass --replace")
                self._delete_study(conn, study_id)
            conn.execute(insert(Study).values(study_id=study_id, mode=mode, status="open", config=config, created_at=_utc()))
            for table, rows in ((ItemText, texts), (SourceMap, sources), (Item, items)):
                if rows:
                    conn.execute(insert(table), [{"study_id": study_id, **r} for r in rows])
            slots = [
                {"study_id": study_id, "item_id": it["item_id"], "slot_no": s, "ord": it["ord"], "status": "free"}
                for it in items if it["kind"] == "item" for s in range(k)
            ]
            for i in range(0, len(slots), 5000):
                conn.execute(insert(Slot), slots[i:i + 5000])
        if self.is_pg:  # fresh statistics, or the planner takes thousands of new slots for one row
            with self.engine.connect() as conn:
                conn.execute(text("ANALYZE slots"))
                conn.execute(text("ANALYZE assignments"))
                conn.commit()

    def _delete_study(self, conn: Connection, study_id: str) -> None:
        from benchmark.studies.models import SourceMap

        for table in (Rating, Assignment, Slot, HumanResponse, RespondStart, Rater, Item, SourceMap, ItemText):
            conn.execute(delete(table).where(table.study_id == study_id))
        conn.execute(delete(Study).where(Study.study_id == study_id))

    def delete_study(self, study_id: str) -> None:
        self._configs.pop(study_id, None)
        self._perms.clear()
        with self.write() as conn:
            self._delete_study(conn, study_id)

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def config(self, study_id: str) -> dict:
        """A study's settings, cached: they never change after creation (status is not in them)."""
        cfg = self._configs.get(study_id)
        if cfg is None:
            cfg = self._configs[study_id] = self.get_study(study_id)["config"]
        return cfg

    def get_study(self, study_id: str) -> dict:
        with self.read() as conn:
            row = conn.execute(select(Study).where(Study.study_id == study_id)).mappings().first()
        if row is None:
            raise BenchError(f"no study '{study_id}'", where=self.safe_url, fix="list studies with `creativity-bench study status`")
        return {"study_id": row["study_id"], "mode": row["mode"], "status": row["status"], "config": row["config"],
                "created_at": row["created_at"]}

    def list_studies(self) -> list[dict]:
        with self.read() as conn:
            rows = conn.execute(select(Study.study_id, Study.mode, Study.status).order_by(Study.created_at)).mappings().all()
        return [dict(r) for r in rows]

    def set_status(self, study_id: str, status: str) -> None:
        if status not in ("open", "closed"):
            raise BenchError(f"unknown study status '{status}'", fix="use open or closed")
        self.get_study(study_id)
        with self.write() as conn:
            conn.execute(update(Study).where(Study.study_id == study_id).values(status=status))

    # ------------------------------------------------------------------ raters
    def enter(
        self,
        study_id: str,
        rater_id: str,
        *,
        prolific_pid: str | None = None,
        panel_study_id: str | None = None,
        session_id: str | None = None,
    ) -> dict:
        """Find or register a rater; the panel ids are stored on first entry and kept."""
        known = self.get_rater(study_id, rater_id)  # every page view lands here: read first
        if known is not None:
            return known
        study = self.get_study(study_id)
        seed = study["config"].get("seed", 0)
        for _ in range(3):
            try:
                with self.write() as conn:
                    row = conn.execute(
                        select(Rater).where(Rater.study_id == study_id, Rater.rater_id == rater_id)
                    ).mappings().first()
                    if row is not None:
                        return dict(row)
                    rng = random.Random(f"{seed}:{rater_id}")
                    seq = conn.execute(select(func.count()).select_from(Rater).where(Rater.study_id == study_id)).scalar()
                    values = dict(
                        study_id=study_id, rater_id=rater_id, prolific_pid=prolific_pid, panel_study_id=panel_study_id,
                        session_id=session_id, stage="consent", seq=int(seq or 0),
                        perm_mult=rng.randrange(1, PERM_PRIME), perm_offset=rng.randrange(PERM_PRIME), created_at=_utc(),
                    )
                    conn.execute(insert(Rater).values(**values))
                    return values
            except IntegrityError:  # two tabs registered the same rater at once
                continue
        raise BenchError(f"could not register rater '{rater_id}'")

    def get_rater(self, study_id: str, rater_id: str) -> dict | None:
        with self.read() as conn:
            row = conn.execute(select(Rater).where(Rater.study_id == study_id, Rater.rater_id == rater_id)).mappings().first()
        return dict(row) if row else None

    def set_stage(self, study_id: str, rater_id: str, stage: str) -> None:
        values: dict[str, Any] = {"stage": stage}
        if stage in ("done", "screened"):
            values["completed_at"] = _utc()
        with self.write() as conn:
            conn.execute(update(Rater).where(Rater.study_id == study_id, Rater.rater_id == rater_id).values(**values))

    # ------------------------------------------------------------------ items
    def items(self, study_id: str, kind: str | None = None) -> list[dict]:
        q = select(Item).where(Item.study_id == study_id).order_by(Item.ord)
        if kind:
            q = q.where(Item.kind == kind)
        with self.read() as conn:
            return [dict(r) for r in conn.execute(q).mappings().all()]

    def item_view(self, study_id: str, item_id: str, swapped: bool = False) -> dict:
        """What a rater sees: the prompt and the (normalised) text(s), left/right as shown."""
        with self.read() as conn:
            item = conn.execute(select(Item).where(Item.study_id == study_id, Item.item_id == item_id)).mappings().one()
            ids = [item["text_a"]] + ([item["text_b"]] if item["text_b"] else [])
            rows = conn.execute(
                select(ItemText).where(ItemText.study_id == study_id, ItemText.text_id.in_(ids))
            ).mappings().all()
        by_id = {r["text_id"]: r for r in rows}
        texts = [by_id[i]["text"] for i in ids]
        if swapped and len(texts) == 2:
            texts = texts[::-1]
        return {"item_id": item_id, "kind": item["kind"], "prompt": by_id[ids[0]]["prompt"], "texts": texts}

    # ------------------------------------------------------------------ claims
    def current(self, study_id: str, rater_id: str) -> dict | None:
        """The rater's open assignment (reload and new device land here), or None."""
        with self.read() as conn:
            row = conn.execute(
                select(Assignment).where(
                    Assignment.study_id == study_id, Assignment.rater_id == rater_id, Assignment.state == "active"
                ).order_by(Assignment.position).limit(1)
            ).mappings().first()
        return dict(row) if row else None

    def claim(self, study_id: str, rater_id: str, *, now: float | None = None) -> dict | None:
        """The rater's next assignment: the open one, a due check, or a new slot; None = no work left.

        Least-rated first (all first slots before any second slot), in the rater's own
        stored random order, never an item the rater has seen, expired leases reclaimed.
        """
        open_now = self.current(study_id, rater_id)  # every rerun of the page asks: answer it from a read
        if open_now is not None:
            return open_now
        cfg = self.config(study_id)
        now = _now() if now is None else now
        perm = self._perm_of(study_id, rater_id)
        for _ in range(20):
            try:
                with self.write() as conn:
                    if self.is_pg:
                        # A lease is soft state: if the server dies before it reaches disk the
                        # rater simply claims again. Ratings (submit) keep full durability.
                        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                    return self._claim(conn, study_id, rater_id, cfg, now, perm)
            except IntegrityError:  # same rater claiming in two tabs at once: try again
                time.sleep(0.01)
        raise BenchError(f"could not claim an item for rater '{rater_id}'")

    def _perm_of(self, study_id: str, rater_id: str) -> tuple[int, int]:
        """The rater's stored order parameters (immutable once registered, so cached)."""
        key = (study_id, rater_id)
        got = self._perms.get(key)
        if got is None:
            with self.read() as conn:
                row = conn.execute(_Q.rater_perm, {"study": study_id, "rater": rater_id}).first()
            if row is None:
                raise BenchError(f"rater '{rater_id}' has not entered study '{study_id}'")
            got = self._perms[key] = (int(row[0]), int(row[1]))
        return got

    def _claim(self, conn: Connection, study_id: str, rater_id: str, cfg: dict, now: float,
               perm: tuple[int, int]) -> dict | None:
        p = {"study": study_id, "rater": rater_id, "mult": perm[0], "offset": perm[1], "now": now}
        mine = conn.execute(_Q.rater_assignments, p).mappings().all()
        open_rows = sorted((r for r in mine if r["state"] == "active"), key=lambda r: r["position"])
        if open_rows:
            return {**open_rows[0], "study_id": study_id, "rater_id": rater_id}
        counts: dict[str, int] = {}
        for r in mine:
            counts[r["kind"]] = counts.get(r["kind"], 0) + 1
        cap = cfg.get("items_per_rater")
        if cap and counts.get("item", 0) >= int(cap):
            return None
        slot = None
        # Level by level (every item's first place before any second place): least-rated
        # first, and each query reads one level's slice of the claim index, not all slots.
        q = _Q.level_pg if self.is_pg else _Q.level
        for level in range(int(cfg.get("k", 1))):
            slot = conn.execute(q, {**p, "level": level}).first()
            if slot is not None:
                break
        if slot is None:
            return None
        position = len(mine)
        every = int(cfg.get("check_every", 0) or 0)
        n_checks = counts.get("attention", 0) + counts.get("gold", 0)
        if every and counts.get("item", 0) >= (n_checks + 1) * every:
            check = conn.execute(_Q.pick_check, p).first()
            if check is not None:
                return self._assign(conn, study_id, rater_id, check[0], check[1], position, now, cfg)
        conn.execute(_Q.lease_slot, {"sid": slot[0], "rater": rater_id,
                                     "expires": now + float(cfg.get("lease_s", 900))})
        return self._assign(conn, study_id, rater_id, slot[1], "item", position, now, cfg)

    def _assign(self, conn: Connection, study_id: str, rater_id: str, item_id: str, kind: str, position: int,
                now: float, cfg: dict) -> dict:
        swapped = cfg.get("mode") == "pairwise" and random.Random(f"{cfg.get('seed', 0)}:{rater_id}:{item_id}").random() < 0.5
        row = dict(study_id=study_id, rater_id=rater_id, item_id=item_id, kind=kind, position=position,
                   swapped=bool(swapped), shown_at=now, submitted_at=None, state="active")
        conn.execute(_Q.insert_assignment, row)
        return row

    # ------------------------------------------------------------------ submits
    def submit(self, study_id: str, rater_id: str, item_id: str, values: dict[str, Any], *,
               now: float | None = None) -> SubmitResult:
        """Store one answer (all dimensions) and fill the slot, in one transaction."""
        cfg = self.config(study_id)
        clean = validate_values(cfg["mode"], cfg, values)
        now = _now() if now is None else now
        try:
            with self.write() as conn:
                return self._submit(conn, study_id, rater_id, item_id, clean, cfg, now)
        except IntegrityError:  # the same answer arrived twice at once; the first one stands
            return SubmitResult("duplicate")

    def _submit(self, conn: Connection, study_id: str, rater_id: str, item_id: str, values: dict[str, str],
                cfg: dict, now: float) -> SubmitResult:
        p = {"study": study_id, "rater": rater_id, "item": item_id, "now": now}
        a = conn.execute(_Q.assignment_pg if self.is_pg else _Q.assignment, p).mappings().first()
        if a is None:
            raise BenchError(f"item '{item_id}' was never shown to rater '{rater_id}'")
        if a["state"] == "done":
            return SubmitResult("duplicate")
        rt = max(0.0, now - float(a["shown_at"]))
        if rt < float(cfg.get("min_time_s", 0) or 0):
            return SubmitResult("too_fast", rt_s=rt)
        passed = None
        if a["kind"] == "item":
            # the rater holds at most one slot per item (assignments are unique), so fill it directly
            filled = conn.execute(_Q.fill_my_slot, p).first()
            if filled is None:  # our lease was reclaimed: take any place still open on this item
                slot_id = conn.execute(_Q.other_slot_pg if self.is_pg else _Q.other_slot, p).scalar()
                if slot_id is None:
                    conn.execute(_Q.finish_assignment, {**p, "new_state": "expired", "at": None})
                    return SubmitResult("expired", rt_s=rt)
                conn.execute(_Q.fill_slot, {"sid": slot_id, "rater": rater_id})
        else:
            item = conn.execute(_Q.item_expected, p).first()
            passed = check_passed(cfg.get("mode"), item[0] or {}, values, bool(a["swapped"]), item[1], item[2])
        conn.execute(insert(Rating), [
            dict(study_id=study_id, item_id=item_id, rater_id=rater_id, dimension=d, value=v, rt_s=rt,
                 submitted_at=now, check_passed=passed)
            for d, v in values.items()
        ])
        conn.execute(_Q.finish_assignment, {**p, "new_state": "done", "at": now})
        return SubmitResult("stored", check_passed=passed, rt_s=rt)

    def failed_checks(self, study_id: str, rater_id: str) -> int:
        with self.read() as conn:
            return int(conn.execute(
                select(func.count(func.distinct(Rating.item_id))).where(
                    Rating.study_id == study_id, Rating.rater_id == rater_id, Rating.check_passed.is_(False))
            ).scalar() or 0)

    def done_count(self, study_id: str, rater_id: str) -> int:
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(Assignment).where(
                Assignment.study_id == study_id, Assignment.rater_id == rater_id, Assignment.state == "done")).scalar() or 0)

    # ------------------------------------------------------------------ admin views
    def progress(self, study_id: str):
        """Per item: kind, ratings done, leased now, k (a DataFrame for the admin page)."""
        import pandas as pd

        with self.read() as conn:
            rows = conn.execute(
                select(Slot.item_id, Slot.status, func.count()).where(Slot.study_id == study_id)
                .group_by(Slot.item_id, Slot.status)
            ).all()
        df = pd.DataFrame(rows, columns=["item_id", "status", "n"])
        if df.empty:
            return pd.DataFrame(columns=["item_id", "done", "leased", "free", "k"])
        wide = df.pivot_table(index="item_id", columns="status", values="n", fill_value=0, aggfunc="sum")
        for col in ("done", "leased", "free"):
            if col not in wide:
                wide[col] = 0
        wide["k"] = wide[["done", "leased", "free"]].sum(axis=1)
        return wide[["done", "leased", "free", "k"]].reset_index().sort_values(["done", "item_id"])

    def rater_quality(self, study_id: str):
        """Per rater: stage, answers, failed checks, median time, too-fast answers."""
        import pandas as pd

        cfg = self.get_study(study_id)["config"]
        fast = float(cfg.get("fast_s", max(2.0, 2 * float(cfg.get("min_time_s", 0) or 0))))
        with self.read() as conn:
            raters = pd.DataFrame(conn.execute(
                select(Rater.rater_id, Rater.prolific_pid, Rater.stage, Rater.created_at, Rater.completed_at)
                .where(Rater.study_id == study_id)).mappings().all())
            ans = pd.DataFrame(conn.execute(
                select(Rating.rater_id, Rating.item_id, Rating.rt_s, Rating.check_passed)
                .where(Rating.study_id == study_id).distinct()).mappings().all())
        if raters.empty:
            return pd.DataFrame(columns=["rater_id", "prolific_pid", "stage", "answers", "failed_checks", "median_rt_s", "too_fast"])
        if ans.empty:
            ans = pd.DataFrame(columns=["rater_id", "item_id", "rt_s", "check_passed"])
        per_item = ans.drop_duplicates(["rater_id", "item_id"])
        agg = per_item.groupby("rater_id").agg(
            answers=("item_id", "count"),
            failed_checks=("check_passed", lambda s: int((s == False).sum())),  # noqa: E712
            median_rt_s=("rt_s", "median"),
            too_fast=("rt_s", lambda s: int((s < fast).sum())),
        ).reset_index()
        out = raters.merge(agg, on="rater_id", how="left")
        for col in ("answers", "failed_checks", "too_fast"):
            out[col] = out[col].fillna(0).astype(int)
        return out

    # ------------------------------------------------------------------ respond mode
    def respond_start(self, study_id: str, rater_id: str, task_id: str, item_id: str, *, now: float | None = None) -> float:
        """When the participant first saw this task item (the timer survives reloads)."""
        now = _now() if now is None else now
        with self.write() as conn:
            got = conn.execute(select(RespondStart.started_at).where(
                RespondStart.study_id == study_id, RespondStart.rater_id == rater_id,
                RespondStart.task_id == task_id, RespondStart.item_id == item_id)).scalar()
            if got is not None:
                return float(got)
            conn.execute(insert(RespondStart).values(study_id=study_id, rater_id=rater_id, task_id=task_id,
                                                     item_id=item_id, started_at=now))
            return now

    def respond_save(self, study_id: str, rater_id: str, spec: dict, text_value: str, *,
                     now: float | None = None, grace_s: float = 15.0) -> str:
        """Store a participant's answer; 'stored' or 'duplicate'. Late answers are kept and marked."""
        now = _now() if now is None else now
        started = self.respond_start(study_id, rater_id, spec["task_id"], spec["item_id"], now=now)
        limit = spec.get("time_limit_s")
        over = bool(limit) and (now - started) > float(limit) + grace_s
        try:
            with self.write() as conn:
                conn.execute(insert(HumanResponse).values(
                    study_id=study_id, rater_id=rater_id, task_id=spec["task_id"], task_version=str(spec["task_version"]),
                    item_id=spec["item_id"], prompt=spec["prompt"], text=text_value, started_at=started,
                    submitted_at=now, over_time=over))
        except IntegrityError:
            return "duplicate"
        return "stored"

    def respond_done(self, study_id: str, rater_id: str) -> set[tuple[str, str]]:
        with self.read() as conn:
            rows = conn.execute(select(HumanResponse.task_id, HumanResponse.item_id).where(
                HumanResponse.study_id == study_id, HumanResponse.rater_id == rater_id)).all()
        return {(r[0], r[1]) for r in rows}



class _Q:
    """The claim/submit statements, built once: building SQLAlchemy expressions on every
    call cost more than running them."""

    B = bindparam
    big = BigInteger()
    perm = (cast(Slot.ord, big) * bindparam("mult", type_=big) + bindparam("offset", type_=big)) % literal(PERM_PRIME, big)
    item_perm = (cast(Item.ord, big) * bindparam("mult", type_=big) + bindparam("offset", type_=big)) % literal(PERM_PRIME, big)
    rater_perm = select(Rater.perm_mult, Rater.perm_offset).where(Rater.study_id == B("study"), Rater.rater_id == B("rater"))
    rater_assignments = select(Assignment.item_id, Assignment.kind, Assignment.state, Assignment.position,
                               Assignment.swapped, Assignment.shown_at, Assignment.submitted_at).where(
        Assignment.study_id == B("study"), Assignment.rater_id == B("rater"))
    _seen_slot = exists().where(Assignment.study_id == B("study"), Assignment.rater_id == B("rater"),
                                Assignment.item_id == Slot.item_id)
    level = (
        select(Slot.id, Slot.item_id)
        .where(Slot.study_id == B("study"), Slot.status.in_(("free", "leased")), Slot.slot_no == B("level"),
               or_(Slot.status == "free", Slot.lease_expires < B("now")), ~_seen_slot)
        .order_by(perm).limit(1)
    )
    level_pg = level.with_for_update(skip_locked=True, of=Slot)
    _seen_item = exists().where(Assignment.study_id == B("study"), Assignment.rater_id == B("rater"),
                                Assignment.item_id == Item.item_id)
    pick_check = (select(Item.item_id, Item.kind)
                  .where(Item.study_id == B("study"), Item.kind.in_(("attention", "gold")), ~_seen_item)
                  .order_by(item_perm).limit(1))
    lease_slot = update(Slot).where(Slot.id == B("sid")).values(
        status="leased", rater_id=B("rater"), lease_expires=B("expires"))
    insert_assignment = insert(Assignment)
    assignment = select(Assignment.kind, Assignment.state, Assignment.shown_at, Assignment.swapped).where(
        Assignment.study_id == B("study"), Assignment.rater_id == B("rater"), Assignment.item_id == B("item"))
    assignment_pg = assignment.with_for_update()
    fill_my_slot = update(Slot).where(
        Slot.study_id == B("study"), Slot.item_id == B("item"), Slot.rater_id == B("rater"), Slot.status == "leased"
    ).values(status="done", lease_expires=None).returning(Slot.id)
    other_slot = (select(Slot.id).where(
        Slot.study_id == B("study"), Slot.item_id == B("item"),
        or_(Slot.status == "free", and_(Slot.status == "leased", Slot.lease_expires < B("now"))))
        .order_by(Slot.slot_no).limit(1))
    other_slot_pg = other_slot.with_for_update(skip_locked=True)
    fill_slot = update(Slot).where(Slot.id == B("sid")).values(status="done", rater_id=B("rater"), lease_expires=None)
    item_expected = select(Item.expected, Item.text_a, Item.text_b).where(
        Item.study_id == B("study"), Item.item_id == B("item"))
    finish_assignment = update(Assignment).where(
        Assignment.study_id == B("study"), Assignment.rater_id == B("rater"), Assignment.item_id == B("item")
    ).values(state=B("new_state"), submitted_at=B("at"))


def validate_values(mode: str, cfg: dict, values: dict[str, Any]) -> dict[str, str]:
    """Check an answer against the study's mode; return it as stored strings."""
    if mode == "likert":
        dims = [d["name"] for d in cfg.get("dimensions", [])]
        missing = [d for d in dims if values.get(d) in (None, "")]
        if missing:
            raise BenchError(f"missing rating for {', '.join(missing)}", fix="rate every dimension")
        out = {}
        for d in dims:
            v = int(values[d])
            if not 1 <= v <= int(cfg.get("scale", 5)):
                raise BenchError(f"rating {v} for {d} is outside 1-{cfg.get('scale', 5)}")
            out[d] = str(v)
        return out
    if mode == "pairwise":
        dims = [d["name"] for d in cfg.get("dimensions", [])] or ["creativity"]
        out = {}
        for d in dims:
            v = str(values.get(d, ""))
            if v not in PAIRWISE_CHOICES:
                raise BenchError(f"choice '{v}' for {d} is not one of {', '.join(PAIRWISE_CHOICES)}")
            out[d] = v
        return out
    if mode == "turing":
        guess = str(values.get("guess", "")).lower()
        if guess not in TURING_GUESSES:
            raise BenchError(f"guess '{guess}' is not human or ai")
        conf = int(values.get("confidence", 0) or 0)
        if not 1 <= conf <= 5:
            raise BenchError(f"confidence {conf} is outside 1-5")
        return {"guess": guess, "confidence": str(conf)}
    raise BenchError(f"study mode '{mode}' takes no ratings")


def check_passed(mode: str | None, expected: dict, values: dict[str, str], swapped: bool,
                 text_a: str, text_b: str | None) -> bool:
    """Did an attention check or gold item get the expected answer?"""
    if mode == "likert":
        tol = int(expected.get("tolerance", 0))
        want = expected.get("values", {})
        return all(abs(int(values[d]) - int(v)) <= tol for d, v in want.items() if d in values)
    if mode == "pairwise":
        shown = {"left": text_b if swapped else text_a, "right": text_a if swapped else text_b}
        want = expected.get("winner_text")
        return all(shown.get(v) == want for v in values.values())
    if mode == "turing":
        ok = values.get("guess") == expected.get("guess")
        if "confidence" in expected:
            ok = ok and int(values.get("confidence", 0)) == int(expected["confidence"])
        return ok
    return False


def open_store(url: str | None = None) -> Store:
    """A process-wide Store per URL (the app reruns its script on every click)."""
    return _cached_store(normalise_url(url or default_db_url()))


@functools.lru_cache(maxsize=16)
def _cached_store(url: str) -> Store:
    store = Store(url)
    _STORES.append(store)
    return store


def close_stores() -> None:
    """Dispose every cached store's connections (tests, and before dropping a database)."""
    for store in list(_STORES):
        store.dispose()
    _STORES.clear()
    _cached_store.cache_clear()


_STORES: list[Store] = []
