"""The rating app (``creativity-bench rate`` starts it): a router over one module per screen.

consent -> instructions -> practice -> rating -> completion (respond mode: consent ->
instructions -> respond -> completion); declined, screened, withdrawn, no work and closed
each end on their own screen with the study's code. ``?page=admin`` opens the admin
screen and ``?page=leaderboard`` the public leaderboard when that page is installed.

Nothing internal reaches a browser: any error while drawing a page is logged on the
server with an id, and the rater gets a short apology with that id (``rate`` also turns
off Streamlit's own error details).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import uuid
from pathlib import Path

import streamlit as st

from raters import context
from raters.pages import admin, completion, consent, instructions, practice, rating, respond

st.set_page_config(page_title="Creativity study", page_icon=None, layout="centered")

LEADERBOARD = Path(__file__).parent / "pages" / "leaderboard.py"
log = logging.getLogger("creativity_bench.raters")
if not log.handlers:  # the server's stderr is its log
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def leaderboard_available() -> bool:
    return LEADERBOARD.exists()


def route() -> None:
    page = st.query_params.get("page")
    store = context.get_store()
    if page == "admin":
        admin.render(store, context.pick_study(store)[0], leaderboard_available())
        return
    if page == "leaderboard" and leaderboard_available():
        module = importlib.import_module("raters.pages.leaderboard")
        module.render(os.environ.get("CREATIVITY_BENCH_RESULTS", "results"))
        return
    study_id, n_open = context.pick_study(store)
    if study_id is None:
        st.title("Creativity studies")
        if n_open > 1:
            st.info(f"{n_open} studies are open on this server. Please use the full link your panel gave you: "
                    "it names your study.")
        else:
            st.info("No study is open here. If you were sent a link, please use the full link.")
        if leaderboard_available():
            st.markdown("[See the leaderboard](?page=leaderboard)")
        return
    ctx = context.load(store, study_id)
    stage = ctx.rater["stage"]
    if stage in ("done", "screened", "withdrawn"):
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


def main() -> None:
    try:
        route()
    except Exception:  # st.rerun and st.stop are BaseExceptions and pass through
        error_id = uuid.uuid4().hex[:8]
        log.exception("rater page failed (error id %s)", error_id)
        st.title("Sorry, something went wrong")
        st.error("The study could not be shown just now. Your answers so far are saved. Please reload this page "
                 "in a minute; if it happens again, contact the researcher and quote error "
                 f"{error_id}.")


main()
