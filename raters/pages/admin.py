"""Admin: progress, rater quality, exports, open/close. Behind a secret.

The secret comes from Streamlit secrets (``admin_secret``) or the environment
(``CREATIVITY_BENCH_ADMIN_SECRET``). Without a configured secret the page refuses to open,
so a study is never exposed by forgetting to set one.
"""

from __future__ import annotations

import hmac
import io
import os

import streamlit as st

from benchmark.errors import BenchError
from benchmark.studies.export import export_ratings, export_responses, study_status


def configured_secret() -> str | None:
    try:
        value = st.secrets.get("admin_secret")
    except Exception:  # no secrets.toml at all
        value = None
    return str(value) if value else os.environ.get("CREATIVITY_BENCH_ADMIN_SECRET") or None


def _authorised() -> bool:
    secret = configured_secret()
    if not secret:
        st.error("The admin page is disabled: no admin secret is configured. Set CREATIVITY_BENCH_ADMIN_SECRET "
                 "or admin_secret in .streamlit/secrets.toml.")
        return False
    if st.session_state.get("admin_ok"):
        return True
    entered = st.text_input("Admin secret", type="password", key="admin_secret_input")
    if entered:
        if hmac.compare_digest(entered.encode(), secret.encode()):
            st.session_state["admin_ok"] = True
            return True
        st.error("Wrong secret.")
    return False


def render(store, default_study: str | None, leaderboard: bool) -> None:
    st.title("Study admin")
    if not _authorised():
        return
    if leaderboard:
        st.markdown("[Leaderboard](?page=leaderboard)")
    studies = store.list_studies()
    if not studies:
        st.info("No studies yet: create one with `creativity-bench study create`.")
        return
    ids = [s["study_id"] for s in studies]
    study_id = st.selectbox("Study", ids, index=ids.index(default_study) if default_study in ids else 0,
                            key="admin_study")
    status = study_status(store.url, study_id)
    cols = st.columns(4)
    cols[0].metric("Status", status["status"])
    cols[1].metric("Raters", status["raters"])
    if status["mode"] == "respond":
        cols[2].metric("Answers", status["responses"])
    else:
        cols[2].metric("Ratings", f"{status['ratings_done']} / {status['ratings_needed']}")
        cols[3].metric("Left out (reveal source)", status["excluded_revealing"])
    if status["status"] == "open":
        if st.button("Close the study", key="admin_close"):
            store.set_status(study_id, "closed")
            st.rerun()
    elif st.button("Open the study", key="admin_open"):
        store.set_status(study_id, "open")
        st.rerun()

    if status["mode"] != "respond":
        st.subheader("Progress per item")
        st.dataframe(store.progress(study_id), hide_index=True)
    st.subheader("Raters")
    st.dataframe(store.rater_quality(study_id), hide_index=True)

    st.subheader("Export")
    try:
        tables = ({"responses": export_responses(store.url, study_id)} if status["mode"] == "respond"
                  else export_ratings(store.url, study_id))
    except BenchError as exc:
        st.error(str(exc))
        return
    for kind, df in tables.items():
        c1, c2 = st.columns(2)
        c1.download_button(f"{kind}.csv", df.to_csv(index=False).encode(), file_name=f"{study_id}_{kind}.csv",
                           mime="text/csv", key=f"dl_csv_{kind}")
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        c2.download_button(f"{kind}.parquet", buf.getvalue(), file_name=f"{study_id}_{kind}.parquet",
                           mime="application/octet-stream", key=f"dl_pq_{kind}")
