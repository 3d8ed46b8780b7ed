"""Exports in long format, with the true sources and the panel ids."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmark.errors import BenchError
from benchmark.studies import Store, StudySpec, create_study, export_ratings, write_ratings
from benchmark.studies.export import BATTLE_COLUMNS, GUESS_COLUMNS, LIKERT_COLUMNS
from tests.studies.fixtures import MODEL_SOURCES, stevenson_humans


def _store(tmp_path, run_dir, **kw):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    create_study(store, StudySpec("e", **{"k": 1, "min_time_s": 0, "check_rate": 0, **kw}), runs=[run_dir])
    store.enter("e", "r1")
    return store


def test_likert_export_has_the_contract_columns_and_true_sources(tmp_path, run_dir):
    store = _store(tmp_path, run_dir, check_rate=0.5, max_failed_checks=99)
    while (a := store.claim("e", "r1")) is not None:
        store.submit("e", "r1", a["item_id"], {"originality": 2, "usefulness": 3, "surprise": 4, "overall": 5})
    df = export_ratings(store.url, "e")["likert"]
    assert list(df.columns) == LIKERT_COLUMNS
    real = df[~df["is_check"]]
    assert set(real["source"]) == set(MODEL_SOURCES) and len(real) == 12 * 4
    assert set(real["response_item_id"]) == {"brick", "fork"} and real["check_passed"].isna().all()
    assert df[df["is_check"]]["check_passed"].notna().all()
    assert str(df["submitted_at"].dt.tz) == "UTC" and (df["rt_s"] >= 0).all()
    assert df.groupby("dimension")["value"].first().to_dict() == {"originality": 2, "usefulness": 3, "surprise": 4, "overall": 5}


def test_battles_map_left_and_right_back_through_the_shown_order(tmp_path, run_dir):
    store = _store(tmp_path, run_dir, mode="pairwise", max_pairs_per_prompt=9)
    shown_left = {}
    while (a := store.claim("e", "r1")) is not None:
        view = store.item_view("e", a["item_id"], a["swapped"])
        shown_left[a["item_id"]] = view["texts"][0]
        store.submit("e", "r1", a["item_id"], {"creativity": "left"})
    b = export_ratings(store.url, "e")["battles"]
    assert list(b.columns) == BATTLE_COLUMNS and len(b) == 18 and set(b["winner"]) == {"left"}
    with store.read() as conn:
        from sqlalchemy import select

        from benchmark.studies.models import ItemText
        by_id = dict(conn.execute(select(ItemText.text_id, ItemText.text)).all())
    assert sorted(by_id[t] for t in b["left_item"]) == sorted(shown_left.values())
    assert (b["left_source"] != b["right_source"]).all()


def test_guesses_export_one_row_per_judgement(tmp_path, run_dir, shared_data):
    people = stevenson_humans(shared_data, tmp_path / "people.csv")
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    create_study(store, StudySpec("e", mode="turing", k=1, min_time_s=0, check_rate=0), runs=[run_dir], humans=[people])
    store.enter("e", "r1")
    while (a := store.claim("e", "r1")) is not None:
        store.submit("e", "r1", a["item_id"], {"guess": "human", "confidence": 4})
    g = export_ratings(store.url, "e")["guesses"]
    assert list(g.columns) == GUESS_COLUMNS and len(g) == 14
    assert set(g["guess"]) == {"human"} and set(g["confidence"]) == {4}
    assert set(g["source"]) == set(MODEL_SOURCES) | {"human/stevenson2022"}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_ratings_round_trips(tmp_path, run_dir, fmt):
    store = _store(tmp_path, run_dir)
    a = store.claim("e", "r1")
    store.submit("e", "r1", a["item_id"], {"originality": 1, "usefulness": 1, "surprise": 1, "overall": 1})
    (path,) = write_ratings(store.url, "e", tmp_path / "out", fmt)
    back = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    assert path.name == f"e_likert.{fmt}" and len(back) == 4 and set(back["value"]) == {1}


def test_exporting_ratings_of_a_respond_study_is_refused(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    create_study(store, StudySpec("r", mode="respond", suite="smoke", tasks=["haiku"], pool="p"))
    with pytest.raises(BenchError, match="respond study"):
        export_ratings(store.url, "r")


def test_every_export_carries_the_panel_ids_stage_and_usable(tmp_path, run_dir):
    """11.10: SESSION_ID and STUDY_ID were stored but in no export."""
    from benchmark.studies.export import PANEL_COLUMNS

    for mode, answer, kind in (("likert", {"originality": 1, "usefulness": 1, "surprise": 1, "overall": 1}, "likert"),
                               ("pairwise", {"creativity": "tie"}, "battles")):
        store = Store(f"sqlite:///{tmp_path / f'{mode}.db'}")
        create_study(store, StudySpec("e", mode=mode, k=1, min_time_s=0, check_rate=0), runs=[run_dir])
        store.enter("e", "pp9", prolific_pid="pp9", panel_study_id="prolific-study-1", session_id="sess-77")
        a = store.claim("e", "pp9")
        store.submit("e", "pp9", a["item_id"], answer)
        df = export_ratings(store.url, "e")[kind]
        assert set(PANEL_COLUMNS) <= set(df.columns)
        row = df.iloc[0]
        assert (row["prolific_pid"], row["panel_study_id"], row["session_id"], row["rater_stage"], row["usable"]) == (
            "pp9", "prolific-study-1", "sess-77", "consent", True)


def test_the_declared_scales_come_with_the_study(tmp_path, run_dir):
    from benchmark.studies import study_dimensions

    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    tests = [{"name": "apt", "question": "Apt?"}]
    create_study(store, StudySpec("c", mode="checklist", checklist=tests, k=1, check_rate=0), runs=[run_dir])
    create_study(store, StudySpec("l", k=1, check_rate=0, dimensions=[{"name": "o", "levels": 7}]), runs=[run_dir])
    assert [(d["name"], d["scale"]) for d in study_dimensions(store.url, "c")] == [("apt", "binary")]
    assert [(d["name"], d["scale"], d["levels"]) for d in study_dimensions(store.url, "l")] == [("o", "ordinal", 7)]
