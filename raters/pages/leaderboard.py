"""Public leaderboard page (``?page=leaderboard``): the sources x tasks matrix, the heatmap
and, per task, every scorer's ranking, with readable column names.

A thin view over ``benchmark.leaderboard.locate_leaderboard``: a leaderboard written in
the folder it is given (or its ``leaderboard/``), else one built from the scores below
it, else the one published in this checkout (``results/leaderboard``, then ``results``):
no environment variable needed.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from benchmark.errors import BenchError


@st.cache_data(show_spinner="Loading the leaderboard ...")
def _load(results_dir: str):
    from benchmark.leaderboard import locate_leaderboard

    return locate_leaderboard(results_dir)


def render(results_dir: str | Path = "results") -> None:
    from benchmark.leaderboard import PERCENTILE_DEFINITION, scorer_info, task_label
    from benchmark.leaderboard.render import CI_NOTE, RAT_NOTE, sources_table
    from benchmark.leaderboard.text import detail_view, matrix_view, references

    st.title("Leaderboard")
    try:
        board, where = _load(str(results_dir))
    except BenchError as exc:
        st.info(f"No leaderboard yet: {exc}")
        return
    st.caption(f"People and models side by side: {len(board.sources)} sources, {len(board.tasks)} tasks (from {where}).")
    st.subheader("Sources × tasks")
    heatmap = Path(where) / "heatmap.png"
    if heatmap.is_file():
        st.image(str(heatmap))
    st.table(matrix_view(board.matrix, board.tasks).set_index("Source"))
    st.caption(f"{PERCENTILE_DEFINITION} {RAT_NOTE} {CI_NOTE}")
    with st.expander("Sources and where their answers come from"):
        st.dataframe(sources_table(board), hide_index=True, width="stretch")
    st.subheader("Per task")
    task = st.selectbox("Task", board.tasks, format_func=task_label)
    d = board.detail[board.detail["task_id"] == task]
    for name in d["scorer"].unique():
        info = scorer_info(name)
        g = d[d["scorer"] == name].sort_values(["rank", "source"], na_position="last")
        st.markdown(f"**{info.label}** (`{name}`): {info.better} is better. {info.what}. "
                    f"Human reference: {references(g)}.")
        st.dataframe(detail_view(g), hide_index=True, width="stretch")
    st.download_button("Download the full leaderboard (CSV)", board.detail.to_csv(index=False), "leaderboard.csv", "text/csv")
