"""Issue 11 items 4, 5, 8 (analysis side) and the HTML renderer: checks counted once per
item, screened-out raters left out by default, a Turing section without human items refused."""

from __future__ import annotations

import pandas as pd

from benchmark.analysis import StudyData, analyze_ratings
from benchmark.analysis.loaders import validate
from benchmark.analysis.render import markdown_to_html
from benchmark.analysis.report_md import report_markdown
from tests.analysis.conftest import simulate_likert

DIMS = ("originality", "usefulness", "surprise", "overall")


def _with_checks(d: pd.DataFrame, rater: str, failed: int, passed: int) -> pd.DataFrame:
    """Attention checks as the app exports them: one row per dimension of each check item."""
    rows = [{"item_id": f"chk-{rater}-{n}", "rater_id": rater, "dimension": dim, "value": 1.0, "source": "check/attention",
             "is_check": True, "check_passed": n >= failed} for n in range(failed + passed) for dim in DIMS]
    return pd.concat([d.assign(is_check=False, check_passed=None), pd.DataFrame(rows)], ignore_index=True)


def test_checks_are_counted_once_per_item_and_screened_raters_are_left_out():
    d = simulate_likert(n_raters=6, n_items=24, seed=2)  # one rated scale; the checks span four
    d = _with_checks(d, "r1", failed=2, passed=1)
    d["usable"] = d["rater_id"] != "r1"  # the study screened r1 out
    d["rater_stage"] = d["rater_id"].map(lambda r: "screened" if r == "r1" else "done")
    kept, _ = validate(d, "likert", where="export")
    rep = analyze_ratings(StudyData(likert=kept), n_boot=20, n_perm=19, plots=False, progress=False).data
    r1 = next(r for r in rep["raters"] if r["rater_id"] == "r1")
    assert (r1["n_checks"], r1["failed_checks"], r1["stage"]) == (3, 2, "screened")  # not 12 and 8
    assert rep["excluded"] == [{"rater_id": "r1", "reason": "screened out by attention checks"}]
    assert rep["screened"]["raters"] == ["r1"] and rep["screened"]["n_ratings"] == int((d["rater_id"] == "r1").sum()) - 12
    assert any("screened out by the study's attention checks" in n and "left out" in n for n in rep["notes"])
    assert sum(m["n_ratings"] for m in rep["means"]) == int((~d["is_check"] & d["usable"]).sum())
    # --keep-screened keeps them; a table without the column counts as all usable
    from benchmark.analysis import ExclusionRules, apply_exclusions

    keep = analyze_ratings(StudyData(likert=kept), rules=ExclusionRules(keep_screened=True), n_boot=20, n_perm=19,
                           plots=False, progress=False).data
    assert keep["excluded"] == [] and sum(m["n_ratings"] for m in keep["means"]) == int((~d["is_check"]).sum())
    plain, _ = validate(d.drop(columns=["usable"]), "likert", where="csv")
    assert apply_exclusions(plain, ExclusionRules())[2].empty


def test_turing_without_human_items_is_refused_with_the_reason():
    g = pd.DataFrame({"item_id": [f"t{i}" for i in range(8)], "rater_id": ["a", "b"] * 4, "source": "m/x",
                      "guess": ["ai", "human"] * 4})
    rep = analyze_ratings(StudyData(guesses=validate(g, "guesses", where="g")[0]), plots=False, progress=False).data
    t = rep["turing"]
    assert "accuracy" not in t and "no guessed item has a human source" in t["refused"]
    md = report_markdown(rep, [])
    assert "Not computed: no guessed item has a human source" in md and "d' =" not in md
    assert "Turing section is not computed" in rep["summary"]


def test_html_escapes_raw_markup_and_inlines_figures():
    md = "# T\n\n| source | x |\n|---|---|\n| <script>alert(1)</script> | 1 |\n\n![f](plots/f.png)\n\n[a](b.md)\n"
    html = markdown_to_html(md, images={"f": b"\x89PNG fake"})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<table>" in html and "data:image/png;base64,iVBORyBmYWtl" in html and '<a href="b.md">' in html
