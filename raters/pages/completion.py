"""Completion: the code for the panel and, when configured, the redirect back to it."""

from __future__ import annotations

import json

import streamlit as st


def completion_link(url: str, code: str) -> str:
    """``{code}`` in the configured URL is replaced; otherwise ``cc=CODE`` is appended."""
    if "{code}" in url:
        return url.replace("{code}", code)
    return url + ("&" if "?" in url else "?") + f"cc={code}"


def render(ctx) -> None:
    if ctx.rater["stage"] == "screened":
        st.title("Thank you")
        st.warning("Your session has ended because several attention checks were not answered as asked.")
        if ctx.config.get("screened_code"):
            st.write("Your code:")
            st.code(ctx.config["screened_code"], language=None)
        return
    st.title("Thank you!")
    st.success("You have finished. Your answers are saved.")
    code = str(ctx.config.get("completion_code", ""))
    st.write("Your completion code:")
    st.code(code, language=None)
    url = ctx.config.get("completion_url")
    if url:
        link = completion_link(url, code)
        st.link_button("Return to the panel", link, type="primary")
        st.caption("You will be taken back automatically in a few seconds.")
        st.html(f"<script>setTimeout(function(){{window.top.location.href={json.dumps(link)};}}, 4000);</script>",
                unsafe_allow_javascript=True)


def render_closed(ctx) -> None:
    st.title("This study is closed")
    st.info("Thank you for your interest. This study is not taking answers at the moment.")
