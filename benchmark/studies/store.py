"""The ratings store: studies, raters, screen-outs and withdrawals (claims and submits in
``claims``, respond mode in ``respond_store``, engines and migrations in ``engine``).

Why it looks like this:
- Every write is one short transaction (``Store.write``: ``BEGIN IMMEDIATE`` on SQLite,
  plus an in-process mutex; PostgreSQL uses row locks), so two raters never both read
  "slot free"; unique constraints make a double submit harmless.
- ``slots`` holds exactly k places per item. A rater screened out by the attention checks,
  or one who withdraws, gives their places back, so every item ends with exactly k
  *usable* ratings.
"""

from __future__ import annotations

import contextlib
import functools
import random
import threading
import time
from datetime import datetime, timezone
from typing import Any, Iterator

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from benchmark.errors import BenchError
from benchmark.studies.engine import SCHEMA_VERSION, default_db_url, make_engine, migrate, normalise_url
from benchmark.studies.models import (
    Assignment,
    HumanResponse,
    Item,
    ItemText,
    Rater,
    Rating,
    RespondStart,
    Slot,
    Study,
    Withdrawal,
)
from benchmark.studies.adaptive_claims import AdaptiveMixin
from benchmark.studies.claims import ClaimsMixin, SubmitResult
from benchmark.studies.panel import check_study_id, clean_id
from benchmark.studies.queries import PERM_PRIME, Q
from benchmark.studies.respond_store import RespondMixin
from benchmark.studies.values import dims_for

STAGES = ("consent", "declined", "instructions", "practice", "rating", "respond", "done", "screened", "withdrawn")
ENDED = ("done", "screened", "withdrawn")

__all__ = ["ENDED", "SCHEMA_VERSION", "STAGES", "Store", "SubmitResult", "close_stores", "default_db_url",
           "migrate", "normalise_url", "open_store"]


def _now() -> float:
    return time.time()


def _utc() -> datetime:
    return datetime.now(timezone.utc)


class Store(ClaimsMixin, AdaptiveMixin, RespondMixin):
    """All reads and writes of studies, raters, claims and ratings."""

    def __init__(self, url: str | None = None, *, migrate_schema: bool = True):
        self.url = normalise_url(url or default_db_url())
        self.engine = make_engine(self.url)
        self.is_pg = self.engine.dialect.name == "postgresql"
        self._configs: dict[str, dict] = {}
        self._perms: dict[tuple[str, str], tuple[int, int]] = {}
        self._checks: dict[tuple[str, str], frozenset[int]] = {}
        self._dimsets: dict[str, dict[str, str | None]] = {}
        self._sources: dict[str, dict[str, str]] = {}  # adaptive claims: text id -> source
        self._wins: dict[str, dict] = {}  # adaptive claims: win counts so far, per study
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

    def _forget(self, study_id: str) -> None:
        self._configs.pop(study_id, None)
        self._dimsets.pop(study_id, None)
        self._sources.pop(study_id, None)
        self._wins.pop(study_id, None)
        self._perms.clear()
        self._checks.clear()

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # ------------------------------------------------------------------ studies
    def create_study(self, study_id: str, mode: str, config: dict, texts: list[dict], sources: list[dict],
                     items: list[dict], *, replace: bool = False) -> None:
        """Write a designed study in one transaction (texts, hidden source map, items, k slots each)."""
        from benchmark.studies.models import SourceMap

        check_study_id(study_id)
        k = int(config.get("k", 0))
        self._forget(study_id)
        with self.write() as conn:
            if conn.execute(select(Study.study_id).where(Study.study_id == study_id)).first():
                if not replace:
                    raise BenchError(f"study '{study_id}' already exists", where=self.safe_url,
                                     fix="pick another id or pass --replace")
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
                for table in ("slots", "assignments", "items", "source_map"):  # items, source_map: adaptive claims
                    conn.execute(text(f"ANALYZE {table}"))
                conn.commit()

    def _delete_study(self, conn: Connection, study_id: str) -> None:
        from benchmark.studies.models import SourceMap

        for table in (Rating, Assignment, Slot, HumanResponse, RespondStart, Rater, Item, SourceMap, ItemText, Withdrawal):
            conn.execute(delete(table).where(table.study_id == study_id))
        conn.execute(delete(Study).where(Study.study_id == study_id))

    def delete_study(self, study_id: str) -> None:
        self._forget(study_id)
        with self.write() as conn:
            self._delete_study(conn, study_id)

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
    def enter(self, study_id: str, rater_id: str, *, prolific_pid: str | None = None,
              panel_study_id: str | None = None, session_id: str | None = None) -> dict:
        """Find or register a rater; the panel ids are checked, stored on first entry and kept."""
        rater_id = clean_id(rater_id, "the rater id") or ""
        if not rater_id:
            raise BenchError("a rater needs an id", fix="open the study through its panel link")
        panel = {"prolific_pid": clean_id(prolific_pid, "PROLIFIC_PID"),
                 "panel_study_id": clean_id(panel_study_id, "STUDY_ID"),
                 "session_id": clean_id(session_id, "SESSION_ID")}
        known = self.get_rater(study_id, rater_id)  # every page view lands here: read first
        if known is not None:
            return known
        seed = self.config(study_id).get("seed", 0)
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
                        study_id=study_id, rater_id=rater_id, **panel, stage="consent", seq=int(seq or 0),
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
        """Move a rater on. A session that ended (done, screened, withdrawn) stays ended."""
        if stage not in STAGES:
            raise BenchError(f"unknown rater stage '{stage}'", fix=f"use one of {', '.join(STAGES)}")
        if stage in ("screened", "withdrawn"):
            raise BenchError(f"use screen_out or withdraw to move a rater to '{stage}'")
        values: dict[str, Any] = {"stage": stage}
        if stage == "done":
            values["completed_at"] = _utc()
        with self.write() as conn:
            conn.execute(update(Rater).where(Rater.study_id == study_id, Rater.rater_id == rater_id,
                                             Rater.stage.not_in(ENDED)).values(**values))

    def screen_out(self, study_id: str, rater_id: str) -> int:
        """End a rater's session for failed checks; their places go back to the pool.

        Their ratings stay in the store (exported with ``usable`` = False), but they no
        longer fill a slot, so the item is rated again by someone else. Returns the number
        of places given back.
        """
        with self.write() as conn:
            return self._screen_out(conn, study_id, rater_id)

    def _screen_out(self, conn: Connection, study_id: str, rater_id: str) -> int:
        p = {"study": study_id, "rater": rater_id}
        conn.execute(update(Rater).where(Rater.study_id == study_id, Rater.rater_id == rater_id)
                     .values(stage="screened", completed_at=_utc()))
        conn.execute(Q.expire_rater_assignments, p)
        return int(conn.execute(Q.free_rater_slots, p).rowcount or 0)

    def withdraw(self, study_id: str, rater_id: str, note: str | None = None) -> dict:
        """Delete a participant's data from a study and keep a record that they withdrew.

        Deleted: their ratings, assignments, answers (respond mode) and panel ids; their
        places go back to the pool. Kept: the rater id with stage ``withdrawn`` (so the link
        cannot start again) and a ``withdrawals`` row with the time and what was deleted.
        ``rater_id`` may be the rater id or the PROLIFIC_PID.
        """
        self.get_study(study_id)
        with self.write() as conn:
            row = conn.execute(select(Rater.rater_id, Rater.stage).where(
                Rater.study_id == study_id,
                (Rater.rater_id == rater_id) | (Rater.prolific_pid == rater_id))).first()
            if row is None:
                raise BenchError(f"study '{study_id}' has no rater '{rater_id}'",
                                 fix="see the rater ids with `creativity-bench study status --study ID --raters`")
            rid = row[0]
            done = conn.execute(select(Withdrawal.withdrawn_at).where(
                Withdrawal.study_id == study_id, Withdrawal.rater_id == rid)).scalar()
            if done is not None:
                raise BenchError(f"rater '{rid}' already withdrew from '{study_id}' ({done:%Y-%m-%d %H:%M} UTC)")
            n_ratings = conn.execute(select(func.count()).select_from(Rating).where(
                Rating.study_id == study_id, Rating.rater_id == rid)).scalar() or 0
            n_resp = conn.execute(select(func.count()).select_from(HumanResponse).where(
                HumanResponse.study_id == study_id, HumanResponse.rater_id == rid)).scalar() or 0
            conn.execute(Q.free_rater_slots, {"study": study_id, "rater": rid})
            for table in (Rating, Assignment, HumanResponse, RespondStart):
                conn.execute(delete(table).where(table.study_id == study_id, table.rater_id == rid))
            conn.execute(update(Rater).where(Rater.study_id == study_id, Rater.rater_id == rid).values(
                stage="withdrawn", prolific_pid=None, panel_study_id=None, session_id=None, completed_at=_utc()))
            record = dict(study_id=study_id, rater_id=rid, withdrawn_at=_utc(), ratings_deleted=int(n_ratings),
                          responses_deleted=int(n_resp), note=(note or None) and str(note)[:200])
            conn.execute(insert(Withdrawal).values(**record))
        return record

    # ------------------------------------------------------------------ items
    def items(self, study_id: str, kind: str | None = None) -> list[dict]:
        q = select(Item).where(Item.study_id == study_id).order_by(Item.ord)
        if kind:
            q = q.where(Item.kind == kind)
        with self.read() as conn:
            return [dict(r) for r in conn.execute(q).mappings().all()]

    def item_view(self, study_id: str, item_id: str, swapped: bool = False) -> dict:
        """What a rater sees: the prompt, the (normalised) text(s) as shown, and the questions."""
        with self.read() as conn:
            item = conn.execute(select(Item).where(Item.study_id == study_id, Item.item_id == item_id)).mappings().first()
            if item is None:
                raise BenchError(f"study '{study_id}' has no item '{item_id}'")
            ids = [item["text_a"]] + ([item["text_b"]] if item["text_b"] else [])
            rows = conn.execute(
                select(ItemText).where(ItemText.study_id == study_id, ItemText.text_id.in_(ids))
            ).mappings().all()
        by_id = {r["text_id"]: r for r in rows}
        texts = [by_id[i]["text"] for i in ids]
        if swapped and len(texts) == 2:
            texts = texts[::-1]
        dims = dims_for(self.config(study_id), item["dimset"])
        return {"item_id": item_id, "kind": item["kind"], "prompt": by_id[ids[0]]["prompt"], "texts": texts,
                "dimensions": dims, "dimset": item["dimset"]}

    def _dimset_of(self, study_id: str, item_id: str, cfg: dict) -> str | None:
        if len(cfg.get("dimension_sets") or {}) <= 1:
            return None
        sets = self._dimsets.get(study_id)
        if sets is None:  # items never change after creation: read the map once
            with self.read() as conn:
                sets = dict(conn.execute(select(Item.item_id, Item.dimset).where(Item.study_id == study_id)).all())
            self._dimsets[study_id] = sets
        return sets.get(item_id)

    # ------------------------------------------------------------------ admin views (see admin_views)
    def progress(self, study_id: str):
        """Per item: ratings done, leased now, free, k (a DataFrame)."""
        from benchmark.studies.admin_views import item_progress

        return item_progress(self, study_id)

    def rater_quality(self, study_id: str):
        """Per rater: panel ids, stage, answers, failed checks, times (a DataFrame)."""
        from benchmark.studies.admin_views import rater_table

        return rater_table(self, study_id)


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
