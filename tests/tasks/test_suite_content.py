"""The shipped task suite: every file loads, every item renders, suites resolve."""

from __future__ import annotations

import dataclasses

import pytest

from benchmark.tasks import (
    FAMILIES, KNOWN_SCORERS, MEDIA_ANSWER_FORMATS, Task, TaskItem, get_item, get_suite, load_all_tasks, load_suite, load_task,
    suite_names, token_budget,
)

FIXED_IDS = {
    "aut", "consequences", "instances", "dat", "rat", "story_three_words", "flash_fiction", "haiku",
    "film_synopsis", "style_imitation", "recipe", "song_lyrics", "fashion_concept", "building_concept",
    "product_pitch",
    # answered by an image or a sound (tasks/visual.yaml, tasks/music.yaml)
    "poster", "logo", "book_cover", "inspired_object", "incomplete_figure", "music_scene", "genre_fusion", "jingle",
}
# objects with human data in ../shared/data (ocsai + Stevenson et al. 2022)
HUMAN_DATA_OBJECTS = {
    "brick", "box", "knife", "rope", "paperclip", "book", "fork", "tin can", "backpack", "ball", "bottle",
    "hat", "lightbulb", "pants", "pencil", "shoe", "shovel", "sock", "spoon", "table", "tire", "toothbrush",
}


@pytest.fixture(scope="module")
def tasks() -> dict[str, Task]:
    return load_all_tasks()


def test_the_fixed_task_ids_are_exactly_the_suite(tasks):
    assert set(tasks) == FIXED_IDS


def test_every_item_is_a_complete_rendered_task_item(tasks):
    for task in tasks.values():
        assert task.family in FAMILIES
        assert set(task.scorers) <= set(KNOWN_SCORERS)
        assert task.scorers or task.answer_format in MEDIA_ANSWER_FORMATS
        for it in task.items:
            assert isinstance(it, TaskItem)
            assert (it.task_id, it.task_version, it.family) == (task.task_id, task.version, task.family)
            assert it.prompt and "{{" not in it.prompt and "{%" not in it.prompt
            assert it.answer_format in ("ideas", "words", "text", "image", "audio")
            assert set(it.generation) == {"n", "temperature", "max_tokens", "top_p"}
            assert it.generation["n"] >= 1 and it.generation["max_tokens"] >= 1
            for dim in it.dimensions:
                assert set(dim) >= {"name", "anchors"}
                assert min(dim["anchors"]) == 1 and max(dim["anchors"]) == 5
            assert "None" not in it.prompt  # a missing optional field would render as None


def test_task_item_is_frozen_and_carries_messages():
    it = get_item("aut", "brick")
    with pytest.raises(dataclasses.FrozenInstanceError):
        it.prompt = "x"  # type: ignore[misc]
    msgs = it.messages()
    assert msgs[-1] == {"role": "user", "content": it.prompt}
    assert msgs[0]["role"] == "system"


def test_aut_covers_every_object_with_human_data_and_uses_their_wording(tasks):
    aut = tasks["aut"]
    objects = {it.fields["object"] for it in aut.items}
    assert len(aut.items) >= 15
    assert HUMAN_DATA_OBJECTS <= objects
    tin = get_item("aut", "tin_can")
    assert tin.item == "tin can" and "a tin can" in tin.prompt
    assert get_item("aut", "pants").prompt.count("for pants.") == 1  # no article for plurals
    assert aut.time_limit_s == 180
    assert {"fluency", "originality", "semdis_minilm", "judge_originality"} <= set(aut.scorers)
    assert [d["name"] for d in aut.dimensions] == ["originality", "usefulness", "surprise", "overall"]


def test_aut_objects_match_the_ocsai_prompts(shared_data):
    import json

    prompts = set()
    with open(shared_data / "ocsai-aut" / "aut_train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            first = json.loads(line)["prompt"].split("\n", 1)[0]
            prompts.add(first.removeprefix("AUT Prompt:"))
    objects = {it.item for it in load_task("aut").items}
    assert prompts <= objects, prompts - objects


def test_consequences_and_instances_cover_the_ocsai_prompts(shared_data):
    import json

    cons, inst = set(), set()
    with open(shared_data / "ocsai-aut" / "alltasks_train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            first = json.loads(line)["prompt"].split("\n", 1)[0]
            if first.startswith("DT Consequences Prompt:if "):
                cons.add(first.removeprefix("DT Consequences Prompt:if ").lower())
            elif first.startswith("DT Instances Prompt:"):
                inst.add(first.removeprefix("DT Instances Prompt:").lower())
    assert cons and cons <= {it.item for it in load_task("consequences").items}
    assert inst and inst <= {it.item for it in load_task("instances").items}
    assert len(load_task("consequences").items) >= 8


def test_dat_follows_olson_2021():
    dat = load_task("dat")
    assert dat.answer_format == "words" and dat.time_limit_s == 240 and dat.scorers == ["dat"]
    (item,) = dat.items
    for phrase in ("10 words", "as different from each other as possible", "in all meanings and uses",
                   "Only single words", "Only nouns", "No proper nouns", "No specialised vocabulary",
                   "on your own"):
        assert phrase in item.prompt
    assert item.item == ""


def test_rat_items_are_written_for_the_project_and_complete():
    rat = load_task("rat")
    assert len(rat.items) >= 15 and rat.answer_format == "words"
    for it in rat.items:
        cues = it.fields["cues"]
        assert len(cues) == 3 and it.fields["solution"]
        assert it.item == " ".join(cues)
        assert it.fields["solution"] not in cues
    # the example in the prompt is not one of the items (it would give the answer away)
    assert all(it.fields["solution"] != "fly" for it in rat.items)


def test_rat_items_share_no_cue_set_or_solution_with_bowden(shared_data):
    import csv

    with open(shared_data / "rat-bowden" / "bowden2003_rat144.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    bowden_cues = {frozenset((r["cue1"], r["cue2"], r["cue3"])) for r in rows}
    bowden_solutions = {s for r in rows for s in r["solution"].split("/")}
    for it in load_task("rat").items:
        assert frozenset(it.fields["cues"]) not in bowden_cues
        assert it.fields["solution"] not in bowden_solutions


def test_writing_style_and_domain_tasks():
    style = get_item("style_imitation", "shakespeare_space")
    assert {"form", "author", "topic"} <= set(style.fields)
    assert style.prompt.startswith("Write a poem in the style of William Shakespeare about space travel")
    story = get_item("story_three_words", "lantern_orchard_debt")
    assert "five sentences" in story.prompt and "lantern, orchard, debt" in story.prompt
    for tid in ("recipe", "song_lyrics", "fashion_concept", "building_concept", "product_pitch"):
        task = load_task(tid)
        assert task.family == "domain" and task.answer_format == "text" and len(task.items) >= 3
        assert "judge_writing" in task.scorers


def test_suites_resolve_and_stay_within_their_documented_budget():
    assert set(suite_names()) >= {"smoke", "core", "full"}
    for name in ("smoke", "core", "full"):
        suite = get_suite(name)
        assert suite.items and load_suite(name) == suite.items
        if suite.budget_tokens is not None:
            assert suite.token_budget() <= suite.budget_tokens
        keys = [it.key for it in suite.items]
        assert len(keys) == len(set(keys))


def test_smoke_is_small_and_core_covers_every_family():
    smoke = load_suite("smoke")
    assert len(smoke) <= 8 and all(it.generation["n"] == 1 for it in smoke)
    assert token_budget(smoke) <= 600  # ~5 s at 130 tok/s
    core = load_suite("core")
    assert {it.family for it in core} == set(FAMILIES) - {"visual", "music"}  # no offline model draws or sings
    aut_core = {it.item_id for it in core if it.task_id == "aut"}
    assert {"book", "fork", "tin_can", "brick"} <= aut_core
    # 2-3 minutes on 2 cores at ~130 tok/s
    assert token_budget(core) <= 3 * 60 * 130


def test_suite_overrides_change_only_the_given_settings():
    smoke_brick = next(it for it in load_suite("smoke") if it.key[::2] == ("aut", "brick"))
    default = get_item("aut", "brick")
    assert smoke_brick.generation["n"] == 1 and smoke_brick.generation["max_tokens"] == 96
    assert smoke_brick.generation["temperature"] == default.generation["temperature"]
    assert smoke_brick.prompt == default.prompt


def test_full_is_every_item_with_defaults(tasks):
    full = load_suite("full")
    assert len(full) == sum(len(t.items) for t in tasks.values() if t.answer_format not in MEDIA_ANSWER_FORMATS)
    assert all(it.generation == load_task(it.task_id).generation for it in full)


def test_items_serialise_to_json_for_manifests_and_studies(tasks):
    import json

    for task in tasks.values():
        for it in task.items:
            back = json.loads(json.dumps(it.to_dict()))
            assert back["prompt"] == it.prompt and back["item_id"] == it.item_id


def test_media_tasks_have_dimensions_and_their_own_suite(tasks):
    visual = [t for t in tasks.values() if t.family == "visual"]
    music = [t for t in tasks.values() if t.family == "music"]
    assert {t.answer_format for t in visual} == {"image"} and {t.answer_format for t in music} == {"audio"}
    assert {"poster", "logo", "book_cover", "inspired_object", "incomplete_figure"} == {t.task_id for t in visual}
    assert "a chair inspired by a jellyfish" in get_item("inspired_object", "jellyfish_chair").prompt
    assert [d["name"] for d in load_task("incomplete_figure").dimensions] == ["originality", "elaboration", "closure", "overall"]
    assert all(len(t.dimensions) >= 3 and not t.scorers for t in visual + music)
    media = load_suite("visual") + load_suite("music")
    assert {it.task_id for it in load_suite("visual")} == {t.task_id for t in visual}
    assert {it.task_id for it in load_suite("music")} == {t.task_id for t in music}
    assert not {it.task_id for it in load_suite("core") + load_suite("full")} & {it.task_id for it in media}
