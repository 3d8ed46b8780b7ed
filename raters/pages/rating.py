"""Rating: one item at a time, claimed from the store; the answer is stored on submit.

The item comes from ``Store.claim``: after a reload the same open item comes back, with
the same order of answers; the progress bar counts against the rater's planned session
(``Store.progress_of``); a submit claims the next item in its own transaction
(``claim_next``), so the page after it reads no ``current()``; when every item has its k
ratings a late arrival is told there is no work left, with the no-work code. Every new item starts at the top of the page.
"""

from __future__ import annotations

import streamlit as st

from benchmark.studies.media_items import item_media
from raters.pages.completion import render_no_work
from raters.widgets import answer_inputs, scroll_to_top, show_item

_ASK = object()  # no folded claim waiting: ask the store


def render(ctx) -> None:
    flash = st.session_state.pop("flash", None)
    if flash:
        st.warning(flash)
    # the submit that led here claimed this page's item in its own transaction: no second trip
    folded = st.session_state.pop("next_assignment", _ASK)
    assignment = ctx.store.claim(ctx.study_id, ctx.rater_id) if folded is _ASK else folded
    if assignment is None:
        if ctx.store.done_count(ctx.study_id, ctx.rater_id) > 0:
            ctx.advance("done")
        render_no_work(ctx)
        return
    item_id = assignment["item_id"]
    scroll_to_top(item_id)
    done, total = ctx.store.progress_of(ctx.study_id, ctx.rater_id)
    st.progress(min(1.0, done / total) if total else 0.0, text=f"Answer {done + 1} of {total}")
    view = ctx.store.item_view(ctx.study_id, item_id, bool(assignment["swapped"]))
    media = item_media(ctx.store, ctx.study_id, item_id, bool(assignment["swapped"]))
    listened = show_item(view, media, ctx.config)
    values, reasons = answer_inputs(ctx.mode, view["dimensions"], item_id, made=any(media))
    if not listened:
        st.caption(f"Please listen to each sound (at least {ctx.config['media'].get('listen_s', 0):g} seconds, "
                   "or to its end) before you submit.")
    if st.button("Submit", key="submit", type="primary", disabled=not listened):
        if any(v is None for v in values.values()):
            st.warning("Please answer every question before submitting.")
            return
        result = ctx.store.submit(ctx.study_id, ctx.rater_id, item_id, values, reasons=reasons, claim_next=True)
        if result.status == "too_fast":
            what = "look at or listen to" if any(media) else "read"
            st.warning(f"Please take a little more time to {what} the answer "
                       f"(at least {ctx.config.get('min_time_s', 0):g} seconds per item).")
            return
        if result.status == "expired":
            st.session_state["flash"] = "This item was held too long and went to someone else; here is a new one."
        if result.check_passed is False and not result.screened:
            st.session_state["flash"] = ("That item was an attention check, and the answer did not follow its "
                                         "instructions. Please read each item carefully.")
        if result.next_claimed and not result.screened:
            st.session_state["next_assignment"] = result.next
        st.rerun()
