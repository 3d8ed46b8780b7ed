"""The leaderboard page of the rater app, rendered by Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from benchmark.leaderboard import build, write_leaderboard
from tests.analysis.test_validity_leaderboard import _scores

SCRIPT = """
from raters.pages.leaderboard import render
render({results!r})
"""


def _no_raw_values(df) -> None:
    for col in df.columns:
        assert "_" not in col or col.startswith("%"), col  # readable names, not raw column names
        cells = df[col].astype(str)
        assert not cells.isin(["None", "nan", "NaN", "<NA>", ""]).any(), (col, list(cells))


def test_page_shows_matrix_and_ranked_details_from_scores_on_disk(tmp_path):
    run = tmp_path / "runs" / "r1"
    run.mkdir(parents=True)
    _scores().to_parquet(run / "scores.parquet")
    at = AppTest.from_string(SCRIPT.format(results=str(tmp_path)), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Leaderboard"
    matrix, detail = at.table[0].value, at.dataframe[1].value
    assert list(matrix.columns) == ["Haiku"] and list(matrix.index) == ["human/pool", "m/strong", "m/weak"]
    assert list(detail["Rank"]) == ["1", "2", "3"]
    assert detail["Source"].iloc[0] == "m/strong"
    _no_raw_values(matrix)
    _no_raw_values(detail)


def test_page_finds_a_written_leaderboard_below_the_folder_it_is_given(tmp_path):
    """``results`` (the app's default) holds ``leaderboard/leaderboard.json``: no variable needed."""
    write_leaderboard(build(_scores(), n_boot=50), tmp_path / "leaderboard")
    at = AppTest.from_string(SCRIPT.format(results=str(tmp_path)), default_timeout=60).run()
    assert not at.exception
    assert str(tmp_path / "leaderboard") in at.caption[0].value
    assert len(at.get("image")) >= 1  # the heatmap


def test_page_says_when_there_is_nothing_to_show(tmp_path, monkeypatch):
    import benchmark.leaderboard.load as load

    monkeypatch.setattr(load, "REPO_ROOT", tmp_path / "no-checkout")  # not this checkout's published one
    at = AppTest.from_string(SCRIPT.format(results=str(tmp_path / "empty")), default_timeout=60).run()
    assert not at.exception
    assert "No leaderboard yet" in at.info[0].value
