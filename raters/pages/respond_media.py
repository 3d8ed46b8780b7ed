"""Respond mode for image and sound tasks: the participant uploads a file as the answer.

The file is checked and cleaned on the server before anything is stored
(``benchmark.studies.media_uploads``: size, type from the bytes, a full decode, the kind
the task asks for, re-encoded without metadata); a problem is one plain sentence and the
participant can choose another file. An optional title goes with it as the answer's text.
"""

from __future__ import annotations

import streamlit as st

from benchmark.errors import BenchError
from benchmark.studies.media_items import media_options
from benchmark.studies.media_uploads import EXTENSIONS, save_upload


def render_upload(ctx, spec: dict) -> None:
    kind = spec["answer_format"]
    key = f"{spec['task_id']}_{spec['item_id']}"
    max_mb = float(media_options(ctx.config.get("media"))["max_mb"])
    what = "image" if kind == "image" else "sound file"
    upload = st.file_uploader(f"Your {what} ({', '.join(EXTENSIONS[kind]).upper()}, at most {max_mb:g} MB)",
                              type=EXTENSIONS[kind], key=f"up_{key}")
    title = st.text_input("A title for your work (optional)", key=f"title_{key}", max_chars=200)
    if st.button("Submit answer", key="respond_submit", type="primary"):
        if upload is None:
            st.warning(f"Please choose your {what} first.")
            return
        try:
            save_upload(ctx.store, ctx.study_id, ctx.rater, spec, upload.getvalue())
        except BenchError as exc:
            st.warning(f"This file cannot be used: {exc.what}. {exc.fix or ''}".strip())
            return
        ctx.store.respond_save(ctx.study_id, ctx.rater_id, spec, title or "",
                               grace_s=float(ctx.config.get("grace_s", 15)))
        st.rerun()
