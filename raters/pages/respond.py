"""Respond mode: participants answer suite tasks; the clock runs on the server.

The start time of each task item is stored the first time it is shown, so a reload does
not reset the clock. Answers after the time limit (plus a short grace) are kept but marked,
and exported with ``error='over_time_limit'``.
"""

from __future__ import annotations

import random
import time

import streamlit as st


def order(ctx) -> list[dict]:
    items = list(ctx.config.get("respond_items", []))
    random.Random(f"{ctx.config.get('seed', 0)}:{ctx.rater_id}").shuffle(items)
    return items


def render(ctx) -> None:
    items = order(ctx)
    done = ctx.store.respond_done(ctx.study_id, ctx.rater_id)
    left = [i for i in items if (i["task_id"], i["item_id"]) not in done]
    if not left:
        ctx.advance("done")
    spec = left[0]
    st.progress(len(done) / max(1, len(items)), text=f"Task {len(done) + 1} of {len(items)}")
    started = ctx.store.respond_start(ctx.study_id, ctx.rater_id, spec["task_id"], spec["item_id"])
    st.subheader("Your task")
    st.text(spec["prompt"])
    limit = spec.get("time_limit_s")
    if limit:
        _clock(started, float(limit))
    if spec.get("answer_format") in ("image", "audio"):
        from raters.pages.respond_media import render_upload

        render_upload(ctx, spec)
        return
    key = f"ans_{spec['task_id']}_{spec['item_id']}"
    text = st.text_area("Your answer", key=key, height=220)
    if st.button("Submit answer", key="respond_submit", type="primary"):
        if not (text or "").strip():
            st.warning("Please write an answer first.")
            return
        ctx.store.respond_save(ctx.study_id, ctx.rater_id, spec, text, grace_s=float(ctx.config.get("grace_s", 15)))
        st.rerun()


@st.fragment(run_every=1.0)
def _clock(started: float, limit: float) -> None:
    left = limit - (time.time() - started)
    if left > 0:
        st.caption(f"Time left: {int(left) // 60}:{int(left) % 60:02d}")
    else:
        st.error("Time is up: please submit your answer now.")
