"""`creativity-bench analyze --db URL --study ID` on a study run through the real ratings
store (SQLite file; the same code path serves PostgreSQL)."""

from __future__ import annotations

import json
import re

from benchmark.cli import main
from benchmark.studies import Store, StudySpec, create_study
from tests.studies.fixtures import make_run


def test_analyze_a_study_from_the_store(tmp_path):
    run = make_run(tmp_path / "run", samples=4)
    url = f"sqlite:///{tmp_path / 'ratings.db'}"
    store = Store(url)
    create_study(store, StudySpec("pilot", k=3, min_time_s=0, check_rate=0.3, max_failed_checks=99), runs=[run])
    for n, rater in enumerate(("cyd", "ann", "bob")):
        store.enter("pilot", rater)
        i = 0
        while (a := store.claim("pilot", rater)) is not None:
            text = store.item_view("pilot", a["item_id"], a["swapped"])["texts"][0]
            v = 1 + (i + n) % 5 if rater != "cyd" else 3  # cyd does not read: always 3
            if "attention check" in str(text) and rater != "cyd":
                w = int(re.search(r"rate every scale (\d)", str(text)).group(1))
                values = dict.fromkeys(("originality", "usefulness", "surprise", "overall"), w)
            else:
                values = {"originality": v, "usefulness": 6 - v, "surprise": v, "overall": v}
            store.submit("pilot", rater, a["item_id"], values)
            i += 1
    out = tmp_path / "report"
    assert main(["analyze", "--db", url, "--study", "pilot", "--out", str(out), "--n-boot", "50", "--n-perm", "99",
                 "--exclude-failed-checks", "1"]) == 0
    rep = json.loads((out / "report.json").read_text())
    assert rep["modes"] == ["likert"] and "pilot" in rep["input"]
    raters = {r["rater_id"]: r for r in rep["raters"]}
    assert set(raters) == {"ann", "bob", "cyd"} and all(r["n_checks"] > 0 for r in raters.values())
    assert raters["ann"]["failed_checks"] == raters["bob"]["failed_checks"] == 0
    failed = {r for r, x in raters.items() if x["failed_checks"] >= 1}
    assert {e["rater_id"] for e in rep["excluded"]} == failed
    assert {r["dimension"] for r in rep["reliability"]} == {"originality", "usefulness", "surprise", "overall"}
    assert {m["source"] for m in rep["means"]} == {"llamacpp/smollm2", "openai/gpt-4o-mini"}
    assert any("human vs AI comparison skipped" in n for n in rep["notes"])  # model sources only
    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 0
    assert main(["analyze", "--db", url, "--out", str(out)]) == 2  # --db without --study
