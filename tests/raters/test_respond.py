"""Respond mode: participants answer suite tasks in the browser; answers become a human source.

The answers typed here are test input, stored under a pool named for that (``test-typed``)
in a temporary store; nothing from a test is ever published as human data.
"""

from __future__ import annotations

from sqlalchemy import update

from benchmark.records import RESPONSE_COLUMNS
from benchmark.studies import StudySpec, create_study, export_responses, open_store
from benchmark.studies.models import RespondStart
from tests.raters.conftest import open_app


def _respond_study(app_db):
    store = open_store(app_db)
    spec = StudySpec("resp", mode="respond", suite="smoke", tasks=["aut", "dat"], pool="test-typed",
                     completion_code="DONE-1")
    info = create_study(store, spec)
    return store, info


def test_participant_answers_timed_tasks_and_they_export_as_responses(app_db):
    store, info = _respond_study(app_db)
    assert info["items"] == 3  # aut brick, aut fork, dat
    limits = {i["task_id"]: i["time_limit_s"] for i in store.get_study("resp")["config"]["respond_items"]}
    assert limits == {"aut": 180, "dat": 240}
    at = open_app(PROLIFIC_PID="p1")
    at.button(key="consent_yes").click().run()
    at.button(key="instructions_next").click().run()
    assert not at.exception
    answered = []
    for _ in range(3):
        assert any(c.value.startswith("Time left") for c in at.caption)
        area = at.text_area[0]
        text = "tree\nriver\nspoon\nengine\nvelvet\nmoss\ncanyon" if "dat" in area.key else "a doorstop\na bookend"
        area.input(text)
        at.button(key="respond_submit").click().run()
        answered.append(area.key)
    assert [t.value for t in at.title] == ["Thank you!"] and [c.value for c in at.code] == ["DONE-1"]
    # a participant who answered late: the answer is kept and marked
    at2 = open_app(PROLIFIC_PID="p2")
    at2.button(key="consent_yes").click().run()
    at2.button(key="instructions_next").click().run()
    with store.write() as conn:
        conn.execute(update(RespondStart).where(RespondStart.rater_id == "p2").values(started_at=0.0))
    at2.run()
    assert any("Time is up" in e.value for e in at2.error)
    at2.text_area[0].input("late answer").run()
    at2.button(key="respond_submit").click().run()

    df = export_responses(app_db, "resp")
    assert list(df.columns) == RESPONSE_COLUMNS + ["rater_id", "prolific_pid", "panel_study_id", "session_id"]
    assert set(df["prolific_pid"]) == {"p1", "p2"}  # a withdrawal can be honoured in every copy
    assert len(df) == 4 and set(df["source"]) == {"human/test-typed"}
    p1 = df[df["sample_idx"] == 0]
    assert len(p1) == 3 and p1["error"].isna().all()
    dat = p1[p1["task_id"] == "dat"].iloc[0]
    assert list(dat["ideas"])[:2] == ["tree", "river"]
    late = df[df["sample_idx"] == 1].iloc[0]
    assert late["error"] == "over_time_limit" and late["latency_s"] > 1e6
