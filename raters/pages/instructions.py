"""Instructions: what to judge and how, for the study's mode (or the study's own text)."""

from __future__ import annotations

import streamlit as st

TEXT = {
    "likert": "You will read answers to creative tasks. Rate each answer on every scale, "
              "using the descriptions under each scale. There are no right answers: we want your judgement.",
    "checklist": "You will read answers to creative tasks. For each answer, answer a few yes/no questions about it. "
                 "You may add a short reason for each answer; it helps us, but it is optional.",
    "pairwise": "You will read two answers to the same task, a first and a second. Choose the more creative one; "
                "if they are about equally creative choose 'About the same', and if both are poor say so.",
    "turing": "You will read answers to creative tasks. Some were written by people, some by AI systems. "
              "Say who you think wrote each one and how sure you are.",
    "respond": "You will be given a few creative tasks. Answer each one in the box, in your own words. "
               "Some tasks are timed: a clock shows the time left. Please do not use AI tools or search engines.",
}


def render(ctx) -> None:
    st.title("Instructions")
    st.write(ctx.config.get("instructions_text") or TEXT.get(ctx.mode, ""))
    kinds = set((ctx.config.get("media") or {}).get("kinds") or [])
    if "image" in kinds:
        st.write("Some answers are pictures: the button in a picture's corner shows it full screen.")
    if "audio" in kinds:
        st.write("Some answers are sounds: play each one (at least "
                 f"{float(ctx.config['media'].get('listen_s', 0)):g} seconds, or to its end) before you answer.")
    if ctx.mode == "respond" and any(i.get("answer_format") in ("image", "audio")
                                     for i in ctx.config.get("respond_items", [])):
        st.write("For a picture or music task, upload your file (an image or a sound) as your answer.")
    if ctx.mode != "respond":
        n = ctx.config.get("items_per_rater")
        if n:
            total = int(n) + int(ctx.config.get("checks_per_rater") or 0)
            st.write(f"You will judge {total} answers, one at a time; a bar shows how far you are.")
        st.write("Some items check that you are reading carefully: follow what they ask. "
                 "Please take your time; answers given too quickly are not accepted.")
    if st.button("Continue", key="instructions_next", type="primary"):
        ctx.advance("respond" if ctx.mode == "respond" else "practice")
