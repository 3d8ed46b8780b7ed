"""Who is rating what: the study, the store and the rater, worked out on every rerun.

Raters arrive by link. ``PROLIFIC_PID``, ``STUDY_ID`` and ``SESSION_ID`` are read from the
query string, checked (``benchmark.studies.panel``: a bad id is a polite "link not valid",
never a store error) and stored with the rater; without a panel id a random id is put
into the URL (``?rid=``) so a reload resumes. The rater's stage lives in the store, so a
reload or another device picks up where the rater left off.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import streamlit as st

from benchmark.errors import BenchError
from benchmark.studies.design import ending
from benchmark.studies.panel import check_study_id, clean_id
from benchmark.studies.store import Store, open_store


@dataclass
class Ctx:
    """What every page needs; pages never touch query parameters or the environment."""

    store: Store
    study_id: str
    study: dict
    rater_id: str
    rater: dict

    @property
    def config(self) -> dict:
        return self.study["config"]

    @property
    def mode(self) -> str:
        return self.study["mode"]

    def end(self, name: str) -> dict:
        """The code and return link of one way a session ends."""
        return ending(self.config, name)

    def advance(self, stage: str) -> None:
        """Move the rater to ``stage`` (stored) and redraw."""
        self.store.set_stage(self.study_id, self.rater_id, stage)
        self.rater["stage"] = stage
        st.rerun()


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return str(value) if value else None


def get_store() -> Store:
    return open_store(os.environ.get("CREATIVITY_BENCH_DB") or None)


def invalid_link() -> None:
    """The page for a link that cannot be right; nothing is stored."""
    st.title("This link is not valid")
    st.error("Please open the study with the exact link your panel gave you. If you copied it by hand, "
             "copy it again.")
    st.stop()


def pick_study(store: Store) -> tuple[str | None, int]:
    """(study id, number of open studies): ``?study=`` beats ``CREATIVITY_BENCH_STUDY``;
    otherwise the only open (or only) study."""
    wanted = _param("study") or os.environ.get("CREATIVITY_BENCH_STUDY")
    if wanted:
        try:
            return check_study_id(wanted), 1
        except BenchError:
            invalid_link()
    studies = store.list_studies()
    open_ids = [s["study_id"] for s in studies if s["status"] == "open"]
    if len(open_ids) == 1:
        return open_ids[0], 1
    return (studies[0]["study_id"] if len(studies) == 1 else None), len(open_ids)  # a closed study says so


def rater_identity() -> tuple[str, dict]:
    """The rater id and the panel ids from the link (kept in session state as well)."""
    try:
        panel = {
            "prolific_pid": clean_id(_param("PROLIFIC_PID"), "PROLIFIC_PID"),
            "panel_study_id": clean_id(_param("STUDY_ID"), "STUDY_ID"),
            "session_id": clean_id(_param("SESSION_ID"), "SESSION_ID"),
        }
        rid = panel["prolific_pid"] or clean_id(_param("rid"), "rid") or st.session_state.get("rater_id")
    except BenchError:
        invalid_link()
    if not rid:
        rid = uuid.uuid4().hex[:16]
        st.query_params["rid"] = rid
    st.session_state["rater_id"] = rid
    st.session_state.setdefault("panel", panel)
    return rid, panel


def load(store: Store, study_id: str) -> Ctx:
    try:
        study = store.get_study(study_id)
    except BenchError:
        invalid_link()
    rid, panel = rater_identity()
    try:
        rater = store.enter(study_id, rid, **panel)
    except BenchError:
        invalid_link()
    return Ctx(store=store, study_id=study_id, study=study, rater_id=rid, rater=rater)
