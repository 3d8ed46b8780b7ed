"""Every way a session ends: finished, screened out, declined, no work left, study closed,
withdrawn. Each shows its panel code and return link as the study configures them.

The automatic redirect after finishing embeds the link in a ``<script>``; it goes through
Jinja2's ``htmlsafe_json_dumps`` (``<``, ``>``, ``&`` and ``'`` escaped), so a link with
``</script>`` in it cannot end the script and inject markup.
"""

from __future__ import annotations

import streamlit as st
from jinja2.utils import htmlsafe_json_dumps


def redirect_script(link: str, delay_ms: int = 4000) -> str:
    """A script that sends the top window to ``link`` after ``delay_ms``."""
    return (f"<script>setTimeout(function(){{window.top.location.href={htmlsafe_json_dumps(link)};}}, "
            f"{int(delay_ms)});</script>")


def show_end(ctx, end: str, *, redirect: bool = False) -> None:
    """The code (and return button) for one end of a session."""
    info = ctx.end(end)
    code, url = info.get("code"), info.get("url")
    if code:
        st.write("Your code for the panel:")
        st.code(str(code), language=None)
    if url:
        st.link_button("Return to the panel", url, type="primary")
        if redirect:
            st.caption("You will be taken back automatically in a few seconds.")
            st.html(redirect_script(url), unsafe_allow_javascript=True)
    if not code and not url:
        st.caption("You can close this window now.")


def render(ctx) -> None:
    stage = ctx.rater["stage"]
    if stage == "screened":
        st.title("Thank you")
        st.warning("Your session has ended because several attention checks were not answered as asked.")
        show_end(ctx, "screened")
        return
    if stage == "withdrawn":
        st.title("You have withdrawn")
        st.info("You withdrew from this study and your answers were deleted. Nothing more will be recorded.")
        return
    st.title("Thank you!")
    st.success("You have finished. Your answers are saved.")
    show_end(ctx, "completion", redirect=True)


def render_declined(ctx) -> None:
    st.warning("You chose not to take part. Nothing more will be recorded.")
    show_end(ctx, "declined")


def render_no_work(ctx) -> None:
    st.title("No work left")
    st.info("Thank you for coming. Every answer in this study already has all the ratings it needs, "
            "so there is nothing left to rate, and you have not been asked to do any work.")
    show_end(ctx, "no_work")


def render_closed(ctx) -> None:
    st.title("This study is closed")
    st.info("Thank you for your interest. This study is not taking answers at the moment.")
    show_end(ctx, "closed")
