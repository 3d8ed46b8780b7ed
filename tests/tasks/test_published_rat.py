"""Published normed RAT items (Bowden & Jung-Beeman 2003) as TaskItems and a baseline table."""

from __future__ import annotations

import pytest

from benchmark.errors import BenchError
from benchmark.tasks import load_published_rat, load_task, rat_baseline


@pytest.fixture(scope="module")
def bowden(shared_data):
    return shared_data / "rat-bowden" / "bowden2003_rat144.csv"


def test_bowden_items_render_with_the_project_template(bowden):
    items = load_published_rat(bowden)
    assert len(items) == 144
    assert len({it.item_id for it in items}) == 144
    rat = load_task("rat")
    first = items[0]
    assert first.task_id == "rat" and first.task_version == rat.version
    assert first.item == "cottage swiss cake" and first.fields["solution"] == "cheese"
    assert "cottage, swiss, cake" in first.prompt
    assert first.prompt.replace("cottage, swiss, cake", "X") == rat.items[0].prompt.replace(
        ", ".join(rat.items[0].fields["cues"]), "X")
    assert first.fields["solve_rate_2s"] == pytest.approx(0.52)
    assert first.fields["n_2s"] == 89


def test_baseline_has_solve_rates_in_unit_interval(bowden):
    table = rat_baseline(bowden)
    assert len(table) == 144
    rate_cols = [c for c in table.columns if c.startswith("solve_rate_")]
    assert rate_cols == ["solve_rate_2s", "solve_rate_7s", "solve_rate_15s", "solve_rate_30s"]
    for c in rate_cols:
        assert table[c].between(0, 1).all()
    # more time, more solvers (Bowden & Jung-Beeman 2003, Table 1: 15 s well above 2 s)
    assert table["solve_rate_15s"].mean() > table["solve_rate_2s"].mean()
    multi = table[table["solutions"].map(len) > 1]
    assert list(multi["solutions"].iloc[0]) == ["school", "court"]


def test_fraction_columns_and_a_cues_column(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("cues,solution,solve_rate_10s\n\"sun, fish, star\",shine,0.4\n", encoding="utf-8")
    (item,) = load_published_rat(path)
    assert item.fields["cues"] == ["sun", "fish", "star"] and item.fields["solve_rate_10s"] == 0.4


@pytest.mark.parametrize(
    "content, message",
    [
        ("cue1,cue2,cue3,solution\na,b,c,d\n", "no solve-rate column"),
        ("cue1,cue2,solution,pct_solved_2s\na,b,d,10\n", "no cue columns"),
        ("cue1,cue2,cue3,solution,pct_solved_2s\na,b,c,d,140\n", "row 2: pct_solved_2s=140"),
        ("cue1,cue2,cue3,solution,solve_rate_2s\na,b,c,d,0.5\na,b,c,e,0.2\n", "row 3: the cues"),
        ("cue1,cue2,cue3,pct_solved_2s\na,b,c,10\n", "missing column(s) solution"),
    ],
)
def test_bad_files_fail_with_file_and_row(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BenchError) as exc:
        rat_baseline(path)
    assert message in str(exc.value) and "bad.csv" in str(exc.value)
