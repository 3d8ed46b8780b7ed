"""The leaderboard page of the rater app, rendered by Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.analysis.test_validity_leaderboard import _scores

SCRIPT = """
from raters.pages.leaderboard import render
render({results!r})
"""


def test_page_ranks_sources_from_scores_on_disk(tmp_path):
    run = tmp_path / "runs" / "r1"
    run.mkdir(parents=True)
    _scores().to_parquet(run / "scores.parquet")
    at = AppTest.from_string(SCRIPT.format(results=str(tmp_path)), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Leaderboard"
    table = at.dataframe[0].value
    assert list(table["source"]) == ["m/strong", "human/pool", "m/weak"]
    assert list(table["rank"]) == [1, 2, 3]


def test_page_says_when_there_is_nothing_to_show(tmp_path):
    at = AppTest.from_string(SCRIPT.format(results=str(tmp_path / "empty")), default_timeout=60).run()
    assert not at.exception
    assert "No leaderboard yet" in at.info[0].value
