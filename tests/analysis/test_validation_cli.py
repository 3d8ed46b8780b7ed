"""Issue 14 item 1: `analyze` refuses impossible ratings with one line (file, row, column,
fix), exit code 2 and nothing written; documented flags keep or drop them with a note."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from benchmark.cli import main


def _likert(n_items: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = [{"item_id": f"i{i}", "rater_id": f"r{r}", "dimension": "originality", "value": int(rng.integers(1, 6)),
             "source": "human/p" if i % 2 else "m/x"} for i in range(n_items) for r in range(3)]
    return pd.DataFrame(rows)


def _refused(tmp_path, capsys, df: pd.DataFrame, *flags: str, name: str = "ratings.csv") -> str:
    path = tmp_path / name
    df.to_csv(path, index=False)
    out = tmp_path / "out"
    assert main(["analyze", "--ratings", str(path), "--out", str(out), *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert str(path) in err
    assert not out.exists()  # nothing written
    return err


@pytest.mark.parametrize("value,what", [(33, "the scale of 'originality', ordinal 5-point (1-5)"), (-4, "the scale"),
                                        (2.5, "the scale")])
def test_values_outside_the_declared_scale(tmp_path, capsys, value, what):
    d = _likert().astype({"value": float})
    d.loc[7, "value"] = value
    err = _refused(tmp_path, capsys, d, "--scale", "originality=ordinal:5")
    assert "row 8, column 'value' fails" in err and what in err and "--scale" in err


@pytest.mark.parametrize("value,what", [("inf", "finite-number check"), ("-inf", "finite-number check"),
                                        ("abc", "is not of type float64 (got 'abc')"), ("nan", "is empty"),
                                        ("", "is empty")])
def test_non_finite_and_non_numeric_values(tmp_path, capsys, value, what):
    d = _likert().astype({"value": object})
    d.loc[4, "value"] = value
    err = _refused(tmp_path, capsys, d)
    assert "row 5, column 'value'" in err and what in err and "--drop-invalid" in err


def test_exact_repeats_and_bad_battles_and_guesses(tmp_path, capsys):
    d = _likert()
    err = _refused(tmp_path, capsys, pd.concat([d, d.iloc[[3]]], ignore_index=True))
    assert "row 37" in err and "repeats a row that must be unique" in err and "--allow-duplicates" in err
    b = pd.DataFrame({"left_source": ["m/a", "m/b"], "right_source": ["m/b", "m/a"], "winner": ["left", "draw"]})
    assert "row 2, column 'winner'" in _refused(tmp_path, capsys, b, name="b.csv")
    b = b.assign(winner="left", selection_prob=[0.5, 0.0])
    assert "row 2, column 'selection_prob'" in _refused(tmp_path, capsys, b, name="b.csv")
    g = pd.DataFrame({"item_id": ["t1"], "rater_id": ["r"], "source": ["m/a"], "guess": ["maybe"]})
    assert "row 1, column 'guess'" in _refused(tmp_path, capsys, g, name="g.csv")


def test_flags_keep_or_drop_with_a_note_and_stray_values_warn(tmp_path, capsys):
    d = _likert().astype({"value": object})
    d.loc[2, "value"] = "abc"
    d.loc[5, "value"] = "inf"
    d.loc[9, "value"] = 33  # no declared scale: analysed, but flagged
    d = pd.concat([d, d.iloc[[10]]], ignore_index=True)  # one exact repeat
    path = tmp_path / "r.csv"
    d.to_csv(path, index=False)
    out = tmp_path / "out"
    assert main(["analyze", "--ratings", str(path), "--out", str(out), "--drop-invalid", "--allow-duplicates",
                 "--n-boot", "50", "--n-perm", "99"]) == 0
    err = capsys.readouterr().err
    rep = json.loads((out / "report.json").read_text())
    notes = " | ".join(rep["notes"])
    assert "dropped 2 rating(s) whose value is empty, not a number or infinite (--drop-invalid): row(s) 3, 6" in notes
    assert "1 exact repeat row(s) kept (--allow-duplicates); each copy counts as a separate rating" in notes
    assert "WARNING originality: 1 rating(s) (33) lie outside 1-5" in notes and "WARNING originality" in err
    assert sum(r["n_ratings"] for r in rep["means"]) == len(d) - 2  # the repeat counts, the dropped do not
    assert "lie outside 1-5" in (out / "report.md").read_text()
