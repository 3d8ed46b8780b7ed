"""Practice: the real inputs on example answers, with feedback; nothing here is recorded."""

from __future__ import annotations

import streamlit as st

from raters.widgets import answer_inputs, show_item


def render(ctx) -> None:
    st.title("Practice")
    st.info("These examples are for practice: your answers here are not recorded.")
    all_answered = True
    for n, item in enumerate(ctx.store.items(ctx.study_id, kind="practice"), start=1):
        st.subheader(f"Example {n}")
        view = ctx.store.item_view(ctx.study_id, item["item_id"])
        show_item(view)
        values, _ = answer_inputs(ctx.mode, view["dimensions"], f"practice{n}")
        answered = all(v is not None for v in values.values())
        all_answered = all_answered and answered
        feedback = (item.get("expected") or {}).get("feedback")
        if answered and feedback:
            st.success(f"Feedback: {feedback}")
        st.divider()
    if st.button("Start the study", key="practice_done", type="primary"):
        if not all_answered:
            st.warning("Please answer every practice question first.")
        else:
            ctx.advance("rating")
