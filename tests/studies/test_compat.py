"""Mode and task compatibility at create time (issue 11: 7, 8; the pairwise sparsity check),
and questions per task: dimension sets per family, checklists from the study or the task."""

from __future__ import annotations

import pytest

from benchmark.cli import main
from benchmark.errors import BenchError
from benchmark.paths import REPO_ROOT
from benchmark.studies import Store, StudySpec, create_study, design_study, load_sources
from benchmark.studies.compat import MIN_BATTLES_PER_PAIR
from tests.studies.fixtures import make_run, stevenson_humans

PUBLISHED = REPO_ROOT / "results" / "smollm2-core" / "runs" / "llamacpp-smollm2-core"


def test_one_set_of_scales_for_lists_words_and_texts_is_refused_with_the_fix():
    """11.7: DAT word lists and RAT one-word answers were rated for 'usefulness' beside AUT lists."""
    with pytest.raises(BenchError) as err:
        design_study(StudySpec("core", dimensions=[{"name": "originality"}, {"name": "usefulness"}]),
                     load_sources([PUBLISHED]))
    msg = str(err.value)
    assert "answers of different kinds" in msg and "lists of ideas: aut" in msg
    assert "single words or word lists: dat, rat" in msg and "keyed by task or family" in msg


def test_by_default_each_task_keeps_its_own_questions_and_scored_tasks_are_left_out():
    d = design_study(StudySpec("core"), load_sources([PUBLISHED]))
    s = d["summary"]
    assert "dat" not in s["tasks"] and "rat" not in s["tasks"]
    assert any("'dat' left out" in w for w in s["warnings"]) and any("'rat' left out" in w for w in s["warnings"])
    sets = d["config"]["dimension_sets"]
    by_item = {i["dimset"] for i in d["items"] if i["kind"] == "item"}
    assert by_item <= set(sets) and len(sets) >= 3
    consequences = next(v for k, v in sets.items() if k == "consequences")
    assert "plausibility" in [x["name"] for x in consequences]  # its own YAML's scales, not AUT's


def test_dimensions_per_family_reach_each_item_and_the_store_checks_them(tmp_path):
    dims = {"divergent": [{"name": "originality"}, {"name": "works", "scale": "binary"}],
            "writing": [{"name": "imagery", "levels": 7}]}
    store = Store(f"sqlite:///{tmp_path / 'f.db'}")
    create_study(store, StudySpec("fam", k=1, min_time_s=0, check_rate=0, dimensions=dims, items_per_rater=0,
                                  tasks=["aut", "haiku"]), runs=[PUBLISHED])
    store.enter("fam", "r")
    seen = set()
    while (a := store.claim("fam", "r")) is not None:
        view = store.item_view("fam", a["item_id"])
        names = tuple(d["name"] for d in view["dimensions"])
        seen.add(names)
        if names == ("imagery",):
            with pytest.raises(BenchError, match="outside 1-7"):
                store.submit("fam", "r", a["item_id"], {"imagery": 8})
            assert store.submit("fam", "r", a["item_id"], {"imagery": 7}).ok
        else:
            with pytest.raises(BenchError, match="not yes"):
                store.submit("fam", "r", a["item_id"], {"originality": 3, "works": "maybe"})
            assert store.submit("fam", "r", a["item_id"], {"originality": 3, "works": "yes"}).ok
    assert seen == {("imagery",), ("originality", "works")}


def test_one_dimension_name_keeps_one_scale_across_sets(run_dir):
    dims = {"aut": [{"name": "originality", "levels": 5}], "default": [{"name": "originality", "levels": 7}]}
    df = load_sources([PUBLISHED])
    with pytest.raises(BenchError, match="dimension 'originality' has two scales"):
        design_study(StudySpec("s", dimensions=dims, tasks=["aut", "haiku"]), df)


def test_a_turing_study_without_people_is_refused(run_dir, tmp_path, shared_data):
    """11.8: its 'accuracy 0.714, d' 0.489' was computed on AI items only."""
    with pytest.raises(BenchError, match="needs answers written by people"):
        design_study(StudySpec("t", mode="turing"), load_sources([run_dir]))
    people = stevenson_humans(shared_data, tmp_path / "people.csv")
    with pytest.raises(BenchError, match="written by models too"):
        design_study(StudySpec("t", mode="turing"), load_sources([], [people]))
    ok = design_study(StudySpec("t", mode="turing"), load_sources([run_dir], [people]))
    assert "human/stevenson2022" in ok["summary"]["sources"]


def test_a_sparse_pairwise_design_warns_and_prints_battles_per_source_pair(tmp_path, capsys):
    run = make_run(tmp_path / "r", objects=("brick",), samples=2)
    db = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["study", "create", "--id", "pw", "--mode", "pairwise", "--run", str(run), "--k", "3",
                 "--db", db]) == 0
    out = capsys.readouterr()
    # 2 x 2 cross-source pairs on one object, k = 3: 12 expected battles, far below the threshold
    assert "Expected battles llamacpp/smollm2 vs openai/gpt-4o-mini: 12" in out.out
    assert f"fewer than {MIN_BATTLES_PER_PAIR} battles" in out.err and "raise k to 13" in out.err


def test_checklist_tests_come_from_the_study_or_the_task(tmp_path, monkeypatch, run_dir):
    with pytest.raises(BenchError, match="checklist mode needs yes/no tests for task 'aut'"):
        design_study(StudySpec("c", mode="checklist"), load_sources([run_dir]))
    # a task that declares its checklist in its YAML (a copy of the suite with one added)
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    for f in (REPO_ROOT / "tasks").glob("*.yaml"):
        text = f.read_text()
        if f.name == "divergent.yaml":
            text = text.replace("    dimensions: *dims_aut\n", "    dimensions: *dims_aut\n    checklist:\n"
                                "      - {name: surprising, question: 'Does at least one use surprise you?'}\n"
                                "      - {name: workable, question: 'Would every use work?'}\n", 1)
        (tasks / f.name).write_text(text)
    (tasks / "norms").symlink_to(REPO_ROOT / "tasks" / "norms")
    monkeypatch.setenv("CREATIVITY_BENCH_TASKS", str(tasks))
    d = design_study(StudySpec("c", mode="checklist"), load_sources([run_dir]))
    assert [(x["name"], x["scale"]) for x in d["config"]["dimensions"]] == [("surprising", "binary"),
                                                                           ("workable", "binary")]
    own = design_study(StudySpec("c", mode="checklist", checklist=[{"name": "apt", "question": "Apt?"}]),
                       load_sources([run_dir]))
    assert [x["name"] for x in own["config"]["dimensions"]] == ["apt"]
