"""The rating app (``creativity-bench rate`` starts it): a router over one module per screen.

consent -> instructions -> practice -> rating -> completion (respond mode: consent ->
instructions -> respond -> completion). ``?page=admin`` opens the admin screen and
``?page=leaderboard`` the public leaderboard when that page is installed.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import streamlit as st

from raters import context
from raters.pages import admin, completion, consent, instructions, practice, rating, respond

st.set_page_config(page_title="Creativity study", page_icon=None, layout="centered")

LEADERBOARD = Path(__file__).parent / "pages" / "leaderboard.py"


def leaderboard_available() -> bool:
    return LEADERBOARD.exists()


def main() -> None:
    page = st.query_params.get("page")
    store = context.get_store()
    if page == "admin":
        admin.render(store, context.pick_study(store), leaderboard_available())
        return
    if page == "leaderboard" and leaderboard_available():
        module = importlib.import_module("raters.pages.leaderboard")
        module.render(os.environ.get("CREATIVITY_BENCH_RESULTS", "results"))
        return
    study_id = context.pick_study(store)
    if study_id is None:
        st.title("Creativity studies")
        st.info("No study is open here. If you were sent a link, please use the full link.")
        if leaderboard_available():
            st.markdown("[See the leaderboard](?page=leaderboard)")
        return
    ctx = context.load(store, study_id)
    stage = ctx.rater["stage"]
    if stage in ("done", "screened"):
        completion.render(ctx)
    elif ctx.study["status"] != "open":
        completion.render_closed(ctx)
    elif stage in ("consent", "declined"):
        consent.render(ctx)
    elif stage == "instructions":
        instructions.render(ctx)
    elif stage == "practice":
        practice.render(ctx)
    elif stage == "respond":
        respond.render(ctx)
    else:
        rating.render(ctx)


main()
