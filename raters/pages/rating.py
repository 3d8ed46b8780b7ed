"""Rating: one item at a time, claimed from the store; the answer is stored on submit.

The item comes from ``Store.claim``: after a reload the same open item comes back, with
the same left/right order; when every item has its k ratings a late arrival is told there
is no work left.
"""

from __future__ import annotations

import streamlit as st

from raters.widgets import answer_inputs, show_item


def render(ctx) -> None:
    flash = st.session_state.pop("flash", None)
    if flash:
        st.warning(flash)
    assignment = ctx.store.claim(ctx.study_id, ctx.rater_id)
    done = ctx.store.done_count(ctx.study_id, ctx.rater_id)
    if assignment is None:
        if done > 0:
            ctx.advance("done")
        st.title("No work left")
        st.info("Thank you for coming. Every answer in this study already has all the ratings it needs, "
                "so there is nothing left to rate. Please close this window (on Prolific, return the study; "
                "you have not been asked to do any work).")
        return
    cap = ctx.config.get("items_per_rater")
    st.progress(min(1.0, done / cap) if cap else 0.0, text=f"Answer {done + 1}" + (f" of about {cap}" if cap else ""))
    view = ctx.store.item_view(ctx.study_id, assignment["item_id"], bool(assignment["swapped"]))
    show_item(view)
    values = answer_inputs(ctx.mode, ctx.config, assignment["item_id"])
    if st.button("Submit", key="submit", type="primary"):
        if any(v is None for v in values.values()):
            st.warning("Please answer every question before submitting.")
            return
        result = ctx.store.submit(ctx.study_id, ctx.rater_id, assignment["item_id"], values)
        if result.status == "too_fast":
            st.warning(f"Please take a little more time to read the answer "
                       f"(at least {ctx.config.get('min_time_s', 0):g} seconds per item).")
            return
        if result.status == "expired":
            st.session_state["flash"] = "This item was held too long and went to someone else; here is a new one."
        if result.check_passed is False:
            failed = ctx.store.failed_checks(ctx.study_id, ctx.rater_id)
            if failed >= int(ctx.config.get("max_failed_checks", 2)):
                ctx.advance("screened")
            st.session_state["flash"] = ("That item was an attention check, and the answer did not follow its "
                                         "instructions. Please read each item carefully.")
        st.rerun()
