"""Respond mode in the store: when a participant first saw a task item, and their answers.

Why: the clock runs on the server and survives reloads (the start is stored the first time
an item is shown), and an answer given after the time limit is kept but marked. Mixed
into ``Store``.
"""

from __future__ import annotations

import time

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from benchmark.studies.models import HumanResponse, RespondStart


def _now() -> float:
    return time.time()


class RespondMixin:
    """Respond-mode reads and writes (needs ``write`` and ``read`` of ``Store``)."""

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
                    item_id=spec["item_id"], prompt=spec["prompt"], text=text_value.replace("\x00", ""),
                    started_at=started, submitted_at=now, over_time=over))
        except IntegrityError:
            return "duplicate"
        return "stored"

    def respond_done(self, study_id: str, rater_id: str) -> set[tuple[str, str]]:
        with self.read() as conn:
            rows = conn.execute(select(HumanResponse.task_id, HumanResponse.item_id).where(
                HumanResponse.study_id == study_id, HumanResponse.rater_id == rater_id)).all()
        return {(r[0], r[1]) for r in rows}


