"""Showing a study's images and sounds: the served copy only, at one size, heard before rated.

Only files from the study's served folder are shown (``benchmark.studies.media_items``),
as bytes: Streamlit serves each under a digest URL of its own (``/media/<sha>.png``,
``.wav``), so no file name, path or source string reaches the page, and a rerun (every
click) re-sends a URL, not the file. An image shows across its column (all of a study's
images are the same square size, so a pair is the same size left and right) and opens
full screen from its corner button to look closer. A sound plays in Streamlit's audio
player; a small gate beside it (``raters/listen/index.html``) counts how many seconds
really played, and the page keeps Submit disabled until every sound on it has played for
the study's ``listen_s``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from benchmark.studies.media_items import served_bytes

_player = components.declare_component("listen_player", path=str(Path(__file__).parent / "listen"))


def show_image(data: bytes, media_type: str) -> None:
    # the served bytes pass through unchanged: the format is named (Streamlit's "auto" would
    # turn a PNG without alpha into a JPEG) and served images are narrower than Streamlit's
    # 1460-pixel limit unless media.max_side is set above it
    st.image(data, width="stretch", output_format="JPEG" if media_type == "image/jpeg" else "PNG")


def listen(data: bytes, media_type: str, need: float, key: str) -> bool:
    """Streamlit's audio player for one sound, and the gate that counts how long it played;
    True once it has played for ``need`` seconds (or to its end)."""
    box = f"snd_{key}"
    with st.container(key=box, border=False):
        st.audio(data, format=media_type)
        value = _player(box=f"st-key-{box}", need=float(need), key=key, default=None)
    return bool(isinstance(value, dict) and value.get("done"))


def show_media(config: dict, entry: dict, key: str) -> bool:
    """One served file; returns whether it may be answered now (images: always)."""
    data = served_bytes(config, entry)
    if entry["type"].startswith("image/"):
        show_image(data, entry["type"])
        return True
    return listen(data, entry["type"], float(config["media"].get("listen_s", 0)), key)
