"""Shared pieces of the rating screens: inert text, the answer inputs, a fresh scroll.

Responses are shown with ``st.text``: whatever a response contains (HTML, ``<script>``,
markdown images or links) reaches the browser as plain text, never as markup. An image
or a sound answer is shown from the study's served copy (``raters.media_widgets``). Pairwise
answers are called "first" and "second", which stays true whether a screen shows them side
by side (desktop) or one above the other (a phone). Every input's key includes the item
id, so a new item starts unanswered.
"""

from __future__ import annotations

import streamlit as st

from benchmark.studies.values import scale_of

PAIRWISE_LABELS = {"left": "The first is more creative", "right": "The second is more creative",
                   "tie": "About the same", "both_bad": "Both are poor"}
TURING_LABELS = {"human": "A person", "ai": "An AI"}
YES_NO = {1: "Yes", 0: "No"}
# Streamlit keeps the page's scroll position across reruns; a new item must start at the top.
_SCROLL_TOP = """<script>
(function () {
  const doc = window.parent ? window.parent.document : document;
  const top = () => {
    window.scrollTo(0, 0);
    doc.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main, .main')
       .forEach(function (el) { el.scrollTop = 0; });
  };
  top(); requestAnimationFrame(top); setTimeout(top, 60); setTimeout(top, 250);
})();
</script><!-- %s -->"""


def scroll_to_top(marker: str) -> None:
    """Scroll to the top once per ``marker`` (an item id): drawn again, the same marker does nothing."""
    # a container keyed by the marker is a new element for every item, so its script runs again
    with st.container(key=f"scrolltop_{marker}", border=False):
        st.html(_SCROLL_TOP % marker.replace("--", ""), unsafe_allow_javascript=True)


def show_response(text: str, title: str | None = None, media: dict | None = None, config: dict | None = None,
                  key: str = "") -> bool:
    """One response in a bordered box: its image or sound (if any), and its text as plain text.
    Returns whether it may be answered now (False while a sound has not been listened to)."""
    ready = True
    with st.container(border=True):
        if title:
            st.caption(title)
        if media is not None and config is not None:
            from raters.media_widgets import show_media

            ready = show_media(config, media, key)
        if text or media is None:
            st.text(text)
    return ready


def show_item(view: dict, media: list | None = None, config: dict | None = None) -> bool:
    """The task prompt and the response(s), in the order this rater sees them; returns
    whether every sound among them has been listened to (always True without sounds)."""
    st.caption("The task people were given")
    st.text(view["prompt"])
    texts = view["texts"]
    media = list(media or []) + [None] * (len(texts) - len(media or []))
    key = f"media_{view['item_id']}"
    if len(texts) == 1:
        return show_response(texts[0], "Answer", media[0], config, f"{key}_0")
    first, second = st.columns(2)
    with first:
        ready_a = show_response(texts[0], "First answer", media[0], config, f"{key}_0")
    with second:
        ready_b = show_response(texts[1], "Second answer", media[1], config, f"{key}_1")
    return ready_a and ready_b


def _scale_input(d: dict, key: str):
    sc = scale_of(d)
    label = f"**{d['name'].replace('_', ' ').capitalize()}**: {d.get('description', '')}"
    if sc["scale"] == "binary":
        return st.radio(label, options=[1, 0], format_func=YES_NO.get, index=None, horizontal=True, key=key)
    if sc["scale"] == "ordinal":
        return st.radio(label, options=list(range(1, sc["levels"] + 1)), index=None, horizontal=True, key=key)
    step = 1.0 if sc["scale"] == "interval" else (sc["max"] - sc["min"]) / 100
    return st.number_input(label + f" ({sc['min']:g} to {sc['max']:g})", min_value=sc["min"], max_value=sc["max"],
                           value=None, step=step, key=key)


def answer_inputs(mode: str, dims: list[dict], key: str, made: bool = False) -> tuple[dict, dict]:
    """The inputs of one item; returns ({dimension: value or None}, {dimension: reason})."""
    values: dict = {}
    reasons: dict = {}
    if mode == "likert":
        for d in dims:
            values[d["name"]] = _scale_input(d, f"dim_{d['name']}_{key}")
            anchors = d.get("anchors") or {}
            if anchors and scale_of(d)["scale"] != "binary":
                st.caption(" · ".join(f"{k} = {v}" for k, v in sorted(anchors.items())))
    elif mode == "checklist":
        for d in dims:
            values[d["name"]] = st.radio(f"**{d.get('description') or d['name']}**", options=[1, 0],
                                         format_func=YES_NO.get, index=None, horizontal=True,
                                         key=f"chk_{d['name']}_{key}")
            reasons[d["name"]] = st.text_input("Why? (optional)", key=f"why_{d['name']}_{key}", max_chars=500)
    elif mode == "pairwise":
        for d in dims:
            values[d["name"]] = st.radio(
                f"**{d.get('description') or d['name']}**", options=list(PAIRWISE_LABELS),
                format_func=PAIRWISE_LABELS.get, index=None, horizontal=True, key=f"pw_{d['name']}_{key}",
            )
    else:
        question = "**Who made this answer?**" if made else "**Who wrote this answer?**"  # made: an image or a sound
        values["guess"] = st.radio(question, options=list(TURING_LABELS), format_func=TURING_LABELS.get, index=None,
                                   horizontal=True, key=f"guess_{key}")
        values["confidence"] = st.radio("**How sure are you?** (1 = guessing, 5 = certain)", options=[1, 2, 3, 4, 5],
                                        index=None, horizontal=True, key=f"conf_{key}")
    return values, reasons
