"""Instructions: what to judge and how, for the study's mode."""

from __future__ import annotations

import streamlit as st

TEXT = {
    "likert": "You will read answers to creative tasks. Rate each answer on every scale from 1 to 5, "
              "using the descriptions under each scale. There are no right answers: we want your judgement.",
    "pairwise": "You will read two answers to the same task side by side. Choose the more creative one; "
                "if they are about equally creative choose 'About the same', and if both are poor say so.",
    "turing": "You will read answers to creative tasks. Some were written by people, some by AI systems. "
              "Say who you think wrote each one and how sure you are.",
    "respond": "You will be given a few creative tasks. Answer each one in the box, in your own words. "
               "Some tasks are timed: a clock shows the time left. Please do not use AI tools or search engines.",
}


def render(ctx) -> None:
    st.title("Instructions")
    st.write(ctx.config.get("instructions_text", TEXT.get(ctx.mode, "")))
    if ctx.mode != "respond":
        st.write("Some items check that you are reading carefully: follow what they ask. "
                 "Please take your time; answers given too quickly are not accepted.")
    if st.button("Continue", key="instructions_next", type="primary"):
        ctx.advance("respond" if ctx.mode == "respond" else "practice")
