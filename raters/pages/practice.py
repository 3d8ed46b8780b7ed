"""Practice: the real inputs on example answers; nothing here is recorded."""

from __future__ import annotations

import streamlit as st

from raters.widgets import answer_inputs, show_item


def render(ctx) -> None:
    st.title("Practice")
    st.info("These examples are for practice: your answers here are not recorded.")
    all_answered = True
    for n, item in enumerate(ctx.store.items(ctx.study_id, kind="practice"), start=1):
        st.subheader(f"Example {n}")
        show_item(ctx.store.item_view(ctx.study_id, item["item_id"]))
        values = answer_inputs(ctx.mode, ctx.config, f"practice{n}")
        all_answered = all_answered and all(v is not None for v in values.values())
        st.divider()
    if st.button("Start the study", key="practice_done", type="primary"):
        if not all_answered:
            st.warning("Please answer every practice question first.")
        else:
            ctx.advance("rating")
