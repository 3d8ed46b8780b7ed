"""Consent: nothing is shown or stored beyond the panel ids until the rater agrees.

The page says what the panel needs said before anyone starts: the study's own consent
wording (IRB text and contact when configured), how long it takes and what it pays.
"""

from __future__ import annotations

import streamlit as st

from raters.pages.completion import render_declined

DEFAULT_CONSENT = (
    "You are invited to take part in a research study on creativity. You will read short answers "
    "to creative tasks and judge them. Taking part is voluntary; you may stop at any time. "
    "We store your answers and your panel ID, and nothing else about you. The answers you judge "
    "are shown without their authors."
)


def session_facts(config: dict) -> str | None:
    """'About 17 minutes · Payment: £3.00' from the study config."""
    parts = []
    if config.get("estimated_minutes"):
        parts.append(f"About {config['estimated_minutes']:g} minutes")
    if config.get("payment"):
        parts.append(f"Payment: {config['payment']}")
    return " · ".join(parts) or None


def render(ctx) -> None:
    st.title(ctx.config.get("title", "Creativity study"))
    if ctx.rater["stage"] == "declined":
        render_declined(ctx)
        if st.button("I changed my mind", key="consent_again"):
            ctx.advance("consent")
        return
    consent = ctx.config.get("consent") or {}
    st.subheader("Consent")
    facts = session_facts(ctx.config)
    if facts:
        st.info(facts)
    st.write(consent.get("text") or ctx.config.get("consent_text") or DEFAULT_CONSENT)
    if consent.get("irb"):
        st.caption(consent["irb"])
    if consent.get("contact"):
        st.caption(f"Questions about the study: {consent['contact']}")
    st.caption("You can withdraw at any time, also later: ask the researcher, and your answers are deleted.")
    yes, no = st.columns(2)
    if yes.button("I agree to take part", key="consent_yes", type="primary"):
        ctx.advance("instructions")
    if no.button("I do not agree", key="consent_no"):
        ctx.advance("declined")
