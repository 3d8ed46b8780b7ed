"""The published leaderboard (results/leaderboard/) and the README front page that shows it."""

from __future__ import annotations

import pandas as pd

from benchmark.leaderboard import read_leaderboard
from benchmark.leaderboard.render import front_page_table
from benchmark.paths import REPO_ROOT

PUBLISHED = REPO_ROOT / "results" / "leaderboard"


def test_published_leaderboard_has_people_and_real_models_in_every_cell():
    board = read_leaderboard(PUBLISHED)
    humans = [s for s in board.sources if s.startswith("human/")]
    assert len(board.sources) >= 8 and len(humans) >= 3
    assert {"replay/gpt-3", "replay/gpt-4", "replay/vicuna", "llamacpp/smollm2", "llamacpp/gemma3-270m"} <= set(board.sources)
    assert len(board.matrix) == len(board.sources) * len(board.tasks)
    assert board.matrix["cell"].map(lambda c: isinstance(c, str) and bool(c.strip())).all()
    for name in ("heatmap.png", "matrix.csv", "leaderboard.md", "leaderboard.html", "manifest.json"):
        assert (PUBLISHED / name).stat().st_size > 0, name
    assert (PUBLISHED / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_readme_front_page_shows_the_published_matrix():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = front_page_table(read_leaderboard(PUBLISHED))
    assert (PUBLISHED / "front_page.md").read_text(encoding="utf-8") == table + "\n"
    assert table in readme, "paste results/leaderboard/front_page.md into the README's leaderboard section"
    assert "](results/leaderboard/heatmap.png)" in readme
    assert "creativity-bench rebuild-leaderboard --data ../shared/data" in readme
    assert "?page=leaderboard" in readme


def test_published_folder_holds_no_published_text(shared_data):
    """Only derived figures: no answer from the shared data appears in any published file."""
    stev = pd.read_csv(shared_data / "stevenson-human-vs-gpt3" / "aut_human_vs_gpt3.csv")["response"].dropna()
    stories = pd.read_csv(shared_data / "writing-dat-gpt" / "concatenated_results_stories.csv")["story"].dropna()
    texts = [t for t in pd.concat([stev.sample(200, random_state=0), stories.sample(200, random_state=0)]).astype(str)
             if len(t.strip()) >= 25]
    blob = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in PUBLISHED.rglob("*")
                     if p.is_file() and "cache" not in p.relative_to(PUBLISHED).parts)
    assert len(texts) > 100
    assert not [t for t in texts if t.strip() in blob]
