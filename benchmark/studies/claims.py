"""Claims and submits: how a rater gets the next item and how an answer is stored.

Why it looks like this: every claim and submit is one short write transaction
(``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
concurrent raters take different slots without waiting on each other); unique constraints
turn a double submit into a no-op. Items come least-rated first, in the rater's own stored
random order, never twice to one rater; a rater's session is planned (``plan``): a fixed
number of items and checks at positions drawn for that rater, so the progress total is
known on the first screen. Mixed into ``Store``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from benchmark.errors import BenchError
from benchmark.studies.models import Assignment, Rating
from benchmark.studies.plan import check_positions
from benchmark.studies.queries import Q, swap_of
from benchmark.studies.values import check_passed, clean_reasons, dims_for, validate_values


def _now() -> float:
    return time.time()


@dataclass(frozen=True)
class SubmitResult:
    """What happened to a submit: stored, duplicate (already stored), expired, too_fast.

    ``screened`` is True when this answer was the failed check that ended the session.
    """

    status: str
    check_passed: bool | None = None
    rt_s: float | None = None
    screened: bool = False
    #: ``submit(claim_next=True)``: the rater's next assignment, claimed in the submit's own
    #: transaction (None = no work left; ``next_claimed`` False = not asked, or not claimed)
    next: dict | None = None
    next_claimed: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "duplicate")


class ClaimsMixin:
    """Claims, progress and submits (needs ``write``, ``read``, ``config`` and the caches of ``Store``)."""

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
                row = conn.execute(Q.rater_perm, {"study": study_id, "rater": rater_id}).first()
            if row is None:
                raise BenchError(f"rater '{rater_id}' has not entered study '{study_id}'")
            got = self._perms[key] = (int(row[0]), int(row[1]))
        return got

    def session_plan(self, study_id: str, rater_id: str) -> tuple[int, frozenset[int]]:
        """This rater's planned number of items and the screen positions of their checks."""
        cfg = self.config(study_id)
        n_items = int(cfg.get("n_items") or 0)
        cap = int(cfg.get("items_per_rater") or n_items or 0)
        per_rater = min(cap, n_items) if n_items else cap
        key = (study_id, rater_id)
        if key not in self._checks:
            self._checks[key] = check_positions(int(cfg.get("seed", 0)), rater_id, per_rater,
                                                float(cfg.get("check_rate", 0) or 0), int(cfg.get("n_check_items") or 0))
        return per_rater, self._checks[key]

    def _claim(self, conn: Connection, study_id: str, rater_id: str, cfg: dict, now: float,
               perm: tuple[int, int]) -> dict | None:
        p = {"study": study_id, "rater": rater_id, "mult": perm[0], "offset": perm[1], "now": now}
        me = conn.execute(Q.rater_state_pg if self.is_pg else Q.rater_state, p).mappings().first()
        if me is None or me["stage"] in ("screened", "withdrawn"):
            return None
        if me["open_at"] is not None:  # an open item (another tab claimed it): that one again
            row = conn.execute(Q.open_assignment, {**p, "position": me["open_at"]}).mappings().first()
            return {**row, "study_id": study_id, "rater_id": rater_id}
        position = int(me["n"])
        per_rater, checks_at = self.session_plan(study_id, rater_id)
        if position in checks_at:
            check = conn.execute(Q.pick_check, p).first()
            if check is not None:
                return self._assign(conn, study_id, rater_id, check[0], check[1], position, now, cfg)
        if per_rater and int(me["items_taken"]) >= per_rater:
            return None
        if cfg.get("adaptive"):  # pairwise: the next pair by expected information gain (adaptive_claims)
            return self._claim_adaptive(conn, study_id, rater_id, cfg, now, p, position)
        expires = now + float(cfg.get("lease_s", 900))
        if self.is_pg:  # pick, lease and assign in one statement (``Q.claim_item_pg``)
            got = conn.execute(Q.claim_item_pg, {
                **p, "k": int(cfg.get("k", 1)), "expires": expires, "position": position,
                "pairwise": cfg.get("mode") == "pairwise", "swap_key": f"{cfg.get('seed', 0)}:{rater_id}:"}).first()
            if got is None:
                return None
            return dict(study_id=study_id, rater_id=rater_id, item_id=got[0], kind="item", position=position,
                        swapped=bool(got[1]), shown_at=now, submitted_at=None, state="active")
        # SQLite: pick and lease in one statement per level (``Q.claim_level_sqlite``), then the assignment
        for level in range(int(cfg.get("k", 1))):
            got = conn.execute(Q.claim_level_sqlite, {**p, "expires": expires, "level": level}).first()
            if got is not None:
                return self._assign(conn, study_id, rater_id, got[0], "item", position, now, cfg)
        return None

    def _assign(self, conn: Connection, study_id: str, rater_id: str, item_id: str, kind: str, position: int,
                now: float, cfg: dict, selection_prob: float | None = None) -> dict:
        swapped = cfg.get("mode") == "pairwise" and swap_of(cfg.get("seed", 0), rater_id, item_id)
        row = dict(study_id=study_id, rater_id=rater_id, item_id=item_id, kind=kind, position=position,
                   swapped=bool(swapped), shown_at=now, submitted_at=None, state="active")
        conn.execute(Q.insert_assignment, {**row, "selection_prob": selection_prob})
        return row

    def progress_of(self, study_id: str, rater_id: str, *, now: float | None = None) -> tuple[int, int]:
        """(screens answered, screens in this rater's session) for the progress bar.

        The total is the plan (items + checks); it shrinks only when other raters have taken
        the last places of the items this rater could still have been given.
        """
        now = _now() if now is None else now
        per_rater, checks_at = self.session_plan(study_id, rater_id)
        p = {"study": study_id, "rater": rater_id, "now": now}
        with self.read() as conn:
            mine = conn.execute(Q.rater_assignments, p).mappings().all()
            items_taken = sum(1 for r in mine if r["kind"] == "item" and r["state"] != "expired")
            upto = max(0, per_rater - items_taken) if per_rater else 10**9
            claimable = int(conn.execute(Q.claimable, {**p, "upto": upto}).scalar() or 0) if upto else 0
        done = sum(1 for r in mine if r["state"] == "done")
        items_total = min(per_rater, items_taken + claimable) if per_rater else items_taken + claimable
        checks_taken = sum(1 for r in mine if r["kind"] in ("attention", "gold"))
        checks_left = sum(1 for pos in checks_at if pos >= len(mine) and pos < items_total + len(checks_at))
        return done, max(done, items_total + checks_taken + checks_left)

    # ------------------------------------------------------------------ submits
    def submit(self, study_id: str, rater_id: str, item_id: str, values: dict[str, Any], *,
               reasons: dict[str, Any] | None = None, now: float | None = None,
               claim_next: bool = False) -> SubmitResult:
        """Store one answer (all dimensions) and fill the slot, in one transaction.

        A failed check that reaches the study's limit ends the session (``screen_out``) in
        the same transaction. With ``claim_next`` the rater's next assignment is claimed in
        that transaction too (``SubmitResult.next``), so a page turn is one commit: the
        claim that follows needs neither its own transaction nor a read of ``current()``.
        """
        cfg = self.config(study_id)
        dims = dims_for(cfg, self._dimset_of(study_id, item_id, cfg))
        clean = validate_values(cfg["mode"], cfg, values, dims)
        why = clean_reasons(reasons, clean) if cfg["mode"] == "checklist" else {}
        now = _now() if now is None else now
        perm = self._perm_of(study_id, rater_id) if claim_next else None
        for _ in range(20):
            try:
                with self.write() as conn:
                    result = self._submit(conn, study_id, rater_id, item_id, clean, why, cfg, now)
                    if result.check_passed is False and self._failed_checks(conn, study_id, rater_id) >= int(
                            cfg.get("max_failed_checks", 2)):
                        self._screen_out(conn, study_id, rater_id)
                        return SubmitResult(result.status, False, result.rt_s, screened=True, next_claimed=claim_next)
                    if perm is not None and result.status != "too_fast":
                        nxt = self._claim(conn, study_id, rater_id, cfg, now, perm)
                        return SubmitResult(result.status, result.check_passed, result.rt_s, next=nxt, next_claimed=True)
                    return result
            except IntegrityError:
                # the same answer arrived twice at once, or a second tab claimed the same item:
                # nothing was written; the retry finds the first answer stored ("duplicate")
                time.sleep(0.01)
        raise BenchError(f"could not store the answer of rater '{rater_id}' to item '{item_id}'")

    def _submit(self, conn: Connection, study_id: str, rater_id: str, item_id: str, values: dict[str, str],
                reasons: dict[str, str | None], cfg: dict, now: float) -> SubmitResult:
        min_time = float(cfg.get("min_time_s", 0) or 0)
        p = {"study": study_id, "rater": rater_id, "item": item_id, "now": now, "min_time": min_time}
        # the common case in one statement: the open assignment, shown long enough, is closed
        # (PostgreSQL: and the place filled and the answers stored, ``Q.submit_pg``)
        if self.is_pg:
            dims = list(values)
            a = conn.execute(Q.submit_pg, {**p, "dims": dims, "vals": [values[d] for d in dims],
                                           "reasons": [reasons.get(d) for d in dims]}).mappings().first()
            if a is not None and a["stored"]:
                return SubmitResult("stored", rt_s=max(0.0, now - float(a["shown_at"])))
        else:
            a = conn.execute(Q.close_assignment, p).mappings().first()
        if a is None:  # not open, or too soon: read it to say which (PostgreSQL: after the first submit's commit)
            a = conn.execute(Q.assignment_pg if self.is_pg else Q.assignment, p).mappings().first()
            if a is None:
                raise BenchError(f"item '{item_id}' was never shown to rater '{rater_id}'")
            if a["state"] == "done":
                return SubmitResult("duplicate")
            if a["state"] == "expired":
                return SubmitResult("expired")
            rt = max(0.0, now - float(a["shown_at"]))
            if rt < min_time:
                return SubmitResult("too_fast", rt_s=rt)
            conn.execute(Q.finish_assignment, {**p, "new_state": "done", "at": now})  # rounding at the min_time edge
        rt = max(0.0, now - float(a["shown_at"]))
        passed = None
        if a["kind"] == "item":
            # the rater holds at most one slot per item (assignments are unique), so fill it directly
            filled = conn.execute(Q.fill_my_slot, p).first() if "filled" not in a else (a["filled"] or None)
            if filled is None:  # our lease was reclaimed: take any place still open on this item
                slot_id = conn.execute(Q.other_slot_pg if self.is_pg else Q.other_slot, p).scalar()
                if slot_id is None:
                    conn.execute(Q.finish_assignment, {**p, "new_state": "expired", "at": None})
                    return SubmitResult("expired", rt_s=rt)
                conn.execute(Q.fill_slot, {"sid": slot_id, "rater": rater_id})
        else:
            item = conn.execute(Q.item_expected, p).first()
            passed = check_passed(cfg.get("mode"), item[0] or {}, values, bool(a["swapped"]), item[1], item[2])
        conn.execute(insert(Rating), [
            dict(study_id=study_id, item_id=item_id, rater_id=rater_id, dimension=d, value=v, rt_s=rt,
                 submitted_at=now, check_passed=passed, reason=reasons.get(d))
            for d, v in values.items()
        ])
        return SubmitResult("stored", check_passed=passed, rt_s=rt)

    def failed_checks(self, study_id: str, rater_id: str) -> int:
        with self.read() as conn:
            return self._failed_checks(conn, study_id, rater_id)

    @staticmethod
    def _failed_checks(conn: Connection, study_id: str, rater_id: str) -> int:
        return int(conn.execute(Q.failed_checks, {"study": study_id, "rater": rater_id}).scalar() or 0)

    def done_count(self, study_id: str, rater_id: str) -> int:
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(Assignment).where(
                Assignment.study_id == study_id, Assignment.rater_id == rater_id, Assignment.state == "done")).scalar() or 0)

