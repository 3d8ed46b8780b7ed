"""Consent: nothing is shown or stored beyond the panel ids until the rater agrees."""

from __future__ import annotations

import streamlit as st

DEFAULT_CONSENT = (
    "You are invited to take part in a research study on creativity. You will read short answers "
    "to creative tasks and judge them. Taking part is voluntary; you may stop at any time. "
    "We store your answers and your panel ID, and nothing else about you. The answers you judge "
    "are shown without their authors."
)


def render(ctx) -> None:
    st.title(ctx.config.get("title", "Creativity study"))
    if ctx.rater["stage"] == "declined":
        st.warning("You chose not to take part. Nothing more will be recorded. You can close this window "
                   "(on Prolific, please return the study).")
        if st.button("I changed my mind", key="consent_again"):
            ctx.advance("consent")
        return
    st.subheader("Consent")
    st.write(ctx.config.get("consent_text", DEFAULT_CONSENT))
    yes, no = st.columns(2)
    if yes.button("I agree to take part", key="consent_yes", type="primary"):
        ctx.advance("instructions")
    if no.button("I do not agree", key="consent_no"):
        ctx.advance("declined")
