"""Public leaderboard page: models and human pools ranked per task and scorer.

A thin view over ``benchmark.analysis``: it reads ``<results_dir>/leaderboard.csv`` when a
leaderboard has been written there, else builds one from every ``scores.parquet`` below
``results_dir``. No logic of its own beyond choosing what to show.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from benchmark.errors import BenchError


@st.cache_data(show_spinner="Building the leaderboard ...")
def _load(results_dir: str) -> pd.DataFrame:
    from benchmark.analysis import build_leaderboard, load_results

    written = Path(results_dir) / "leaderboard.csv"
    if written.exists():
        return pd.read_csv(written)
    return build_leaderboard(load_results(results_dir))


def render(results_dir: str | Path) -> None:
    st.title("Leaderboard")
    st.caption("Mean with a 95% bootstrap CI over items; sources whose CIs overlap share a rank. "
               "Human pools (human/...) are ranked with the models; human percentiles place a score among people.")
    try:
        lb = _load(str(results_dir))
    except BenchError as exc:
        st.info(f"No leaderboard yet: {exc}")
        return
    tasks = sorted(lb["task_id"].unique())
    task = st.selectbox("Task", tasks)
    scorers = sorted(lb.loc[lb["task_id"] == task, "scorer"].unique())
    scorer = st.selectbox("Scorer", scorers)
    view = lb[(lb["task_id"] == task) & (lb["scorer"] == scorer)].sort_values(["rank", "mean"], ascending=[True, False])
    st.dataframe(
        view[["rank", "source", "mean", "ci_low", "ci_high", "median", "human_pct_of_mean", "mean_human_percentile", "n"]],
        hide_index=True, width="stretch",
    )
    st.download_button("Download the full leaderboard (CSV)", lb.to_csv(index=False), "leaderboard.csv", "text/csv")
