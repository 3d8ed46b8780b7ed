"""Shared pieces of the rating screens: inert text and the answer inputs of each mode.

Responses are shown with ``st.text``: whatever a response contains (HTML, ``<script>``,
markdown images or links) reaches the browser as plain text, never as markup.
"""

from __future__ import annotations

import streamlit as st

PAIRWISE_LABELS = {"left": "Left is more creative", "right": "Right is more creative",
                   "tie": "About the same", "both_bad": "Both are poor"}
TURING_LABELS = {"human": "A person", "ai": "An AI"}


def show_response(text: str, title: str | None = None) -> None:
    """One response in a bordered box, as plain text."""
    with st.container(border=True):
        if title:
            st.caption(title)
        st.text(text)


def show_item(view: dict) -> None:
    """The task prompt and the response(s), left/right as this rater sees them."""
    st.caption("The task people were given")
    st.text(view["prompt"])
    texts = view["texts"]
    if len(texts) == 1:
        show_response(texts[0], "Answer")
    else:
        left, right = st.columns(2)
        with left:
            show_response(texts[0], "Left answer")
        with right:
            show_response(texts[1], "Right answer")


def answer_inputs(mode: str, config: dict, key: str) -> dict:
    """The inputs of one item; returns {dimension: value or None}. Keys include the item id
    so every new item starts unanswered."""
    values: dict = {}
    if mode == "likert":
        for d in config["dimensions"]:
            anchors = d.get("anchors") or {}
            st.radio(
                f"**{d['name'].capitalize()}**: {d.get('description', '')}",
                options=[1, 2, 3, 4, 5], index=None, horizontal=True, key=f"dim_{d['name']}_{key}",
            )
            if anchors:
                st.caption(" · ".join(f"{k} = {v}" for k, v in sorted(anchors.items())))
            values[d["name"]] = st.session_state.get(f"dim_{d['name']}_{key}")
    elif mode == "pairwise":
        for d in config["dimensions"]:
            st.radio(
                f"**{d.get('description') or d['name']}**", options=list(PAIRWISE_LABELS),
                format_func=PAIRWISE_LABELS.get, index=None, horizontal=True, key=f"pw_{d['name']}_{key}",
            )
            values[d["name"]] = st.session_state.get(f"pw_{d['name']}_{key}")
    else:
        st.radio("**Who wrote this answer?**", options=list(TURING_LABELS), format_func=TURING_LABELS.get,
                 index=None, horizontal=True, key=f"guess_{key}")
        st.radio("**How sure are you?** (1 = guessing, 5 = certain)", options=[1, 2, 3, 4, 5], index=None,
                 horizontal=True, key=f"conf_{key}")
        values = {"guess": st.session_state.get(f"guess_{key}"), "confidence": st.session_state.get(f"conf_{key}")}
    return values
