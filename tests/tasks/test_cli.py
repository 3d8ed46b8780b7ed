"""`creativity-bench tasks list|show` output on the shipped suite."""

from __future__ import annotations

from benchmark.cli import main


def run(capsys, *argv: str) -> str:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_list_shows_every_task_with_version_and_format(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    out = run(capsys, "tasks", "list")
    assert "23 tasks" in out  # 15 answered in text, 8 by an image or a sound
    for needle in ("aut", "consequences", "style_imitation", "product_pitch", "ideas", "words", "text",
                   "judge_originality", "1.0", "poster", "image", "audio"):
        assert needle in out


def test_list_suite_prints_counts_and_token_bound(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    out = run(capsys, "tasks", "list", "--suite", "smoke")
    assert "suite 'smoke': 6 items, 6 samples" in out
    assert "2/22" in out  # two of the AUT objects
    assert "generated tokens at most 336" in out


def test_show_renders_prompts_and_dimensions(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    out = run(capsys, "tasks", "show", "aut", "--items", "2")
    assert "aut v1.0 (divergent)" in out
    assert "List creative and unusual uses for a brick." in out
    assert "uses for a box." in out and "uses for a knife." not in out
    assert "originality (1-5)" in out and "time limit (humans): 180 s" in out


def test_list_json_for_scripts(capsys):
    import json

    tasks = json.loads(run(capsys, "tasks", "list", "--json"))
    assert {t["task_id"] for t in tasks} >= {"aut", "dat", "rat"}
    aut = next(t for t in tasks if t["task_id"] == "aut")
    assert aut["items"] >= 15 and aut["answer_format"] == "ideas"
    smoke = json.loads(run(capsys, "tasks", "list", "--suite", "smoke", "--json"))
    assert len(smoke) == 6 and all(r["generation"]["n"] == 1 for r in smoke)


def test_validate_a_folder(capsys, tasks_copy, edit, monkeypatch):
    monkeypatch.delenv("CREATIVITY_BENCH_TASKS")  # the argument alone selects the folder
    edit(tasks_copy / "suites.yaml", "{task: dat,", "{task: dta,")
    assert main(["tasks", "validate", str(tasks_copy)]) == 2
    assert "unknown task 'dta'" in capsys.readouterr().err
    assert run(capsys, "tasks", "validate").startswith("ok: 23 tasks, ")
