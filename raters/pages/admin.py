"""Admin: codes, progress, raters, items with their sources, a live leaderboard, exports.

Behind a secret: from Streamlit secrets (``admin_secret``) or the environment
(``CREATIVITY_BENCH_ADMIN_SECRET``). Without a configured secret the page refuses to open,
so a study is never exposed by forgetting to set one. Every view comes from
``benchmark.studies`` (``admin_views``, ``live``, ``export``); this page only draws them.
"""

from __future__ import annotations

import hmac
import io
import os

import pandas as pd
import streamlit as st

from benchmark.errors import BenchError
from benchmark.studies import admin_views
from benchmark.studies.export import export_ratings, export_responses, study_status
from benchmark.studies.live import live_board
from benchmark.studies.panel import study_link


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


def _open_close(store, study_id: str, status: str) -> None:
    if status == "open":
        if st.session_state.get("confirm_close") != study_id:
            if st.button("Close the study", key="admin_close"):
                st.session_state["confirm_close"] = study_id
                st.rerun()
            return
        st.warning("Close the study? Raters in the middle of a session see 'closed' on their next page; "
                   "finished raters still see their code. You can open it again.")
        yes, no = st.columns(2)
        if yes.button("Yes, close it", key="admin_close_confirm", type="primary"):
            store.set_status(study_id, "closed")
            st.session_state.pop("confirm_close", None)
            st.rerun()
        if no.button("Cancel", key="admin_close_cancel"):
            st.session_state.pop("confirm_close", None)
            st.rerun()
    elif st.button("Open the study", key="admin_open"):
        store.set_status(study_id, "open")
        st.rerun()


def _codes(cfg: dict, study_id: str) -> None:
    st.subheader("For the panel")
    st.caption("Study URL")
    st.code(study_link(study_id, cfg.get("public_url")), language=None)
    ends = cfg.get("ends") or {"completion": {"code": cfg.get("completion_code"), "url": cfg.get("completion_url")}}
    st.dataframe(pd.DataFrame([{"end": e, "code": v.get("code"), "return link": v.get("url")} for e, v in ends.items()]),
                 hide_index=True, key="admin_codes")


def _item_browser(store, study_id: str) -> None:
    st.subheader("Items (with their hidden sources: for you only)")
    items = admin_views.item_browser(store, study_id)
    if items.empty:
        st.info("No items.")
        return
    chosen = st.selectbox("Item", items["item_id"].tolist(), key="admin_item")
    row = items[items["item_id"] == chosen].iloc[0]
    st.caption(f"task {row['task_id']} / {row['task_item']}")
    st.text(row["prompt"])
    cols = st.columns(2 if isinstance(row["text_b"], str) else 1)
    for col, side in zip(cols, ("a", "b")):
        with col, st.container(border=True):
            st.caption(f"source: {row[f'source_{side}']}")
            st.text(row[f"text_{side}"])


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
    cfg = store.get_study(study_id)["config"]
    cols = st.columns(4)
    cols[0].metric("Status", status["status"])
    cols[1].metric("Raters", status["raters"])
    if status["mode"] == "respond":
        cols[2].metric("Answers", status["responses"])
    else:
        cols[2].metric("Ratings", f"{status['ratings_done']} / {status['ratings_needed']}")
        cols[3].metric("Left out (reveal source)", status["excluded_revealing"])
    _open_close(store, study_id, status["status"])
    _codes(cfg, study_id)

    if status["mode"] != "respond":
        st.subheader("Progress")
        by = admin_views.progress_by(store, study_id)
        c1, c2 = st.columns(2)
        c1.caption("per source" + (" pair" if status["mode"] == "pairwise" else ""))
        c1.dataframe(by["source"], hide_index=True, key="admin_by_source")
        c2.caption("per task")
        c2.dataframe(by["task_id"], hide_index=True, key="admin_by_task")
        with st.expander("per item"):
            st.dataframe(store.progress(study_id), hide_index=True, key="admin_by_item")
    st.subheader("Raters")
    st.dataframe(store.rater_quality(study_id), hide_index=True, key="admin_raters")
    for rule in admin_views.thresholds(cfg):
        st.caption(rule)
    gone = admin_views.withdrawals(store, study_id)
    if len(gone):
        st.caption("Withdrawals (data deleted)")
        st.dataframe(gone, hide_index=True, key="admin_withdrawals")

    if status["mode"] != "respond":
        st.subheader("Live leaderboard")
        try:
            board, how = live_board(store.url, study_id, status["mode"])
        except BenchError as exc:
            board, how = pd.DataFrame(), str(exc)
        st.caption(how)
        if len(board):
            st.dataframe(board, hide_index=True, key="admin_board")
        _item_browser(store, study_id)

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
