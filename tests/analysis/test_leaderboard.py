"""The leaderboard's definitions, one defect of issue 10 per test, on score tables built directly.

Each table is what ``score_responses`` writes (key, scorer, value, details); the scorers'
own behaviour is tested under tests/scoring/. Here: the sources x tasks matrix has a
figure or a reason in every cell, one percentile definition, the direction of better,
CIs over items or over responses (and never "[, ]"), ranks with ties, the Remote
Associates as "solved k of n", and diversity that does not depend on sample size.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from benchmark.leaderboard import build, write_leaderboard


def _rows(task, scorer, source, values, items=None, details=None, version="synthetic"):
    # a version no shipped norm has: these tables bring their own people (tasks/norms/ holds real haiku norms)
    items = items or ["i0"] * len(values)
    out = []
    for k, (v, it) in enumerate(zip(values, items)):
        out.append({"task_id": task, "task_version": "1.0", "item_id": it, "source": source, "sample_idx": k,
                    "scorer": scorer, "scorer_version": version, "value": v,
                    "details": json.dumps(details[k] if isinstance(details, list) else (details or {}))})
    return out


def _table(*groups) -> pd.DataFrame:
    return pd.DataFrame([r for g in groups for r in g])


def _cell(board, source, task):
    m = board.matrix
    return m[(m["source"] == source) & (m["task_id"] == task)].iloc[0]


def _row(board, task, scorer, source):
    d = board.detail
    return d[(d["task_id"] == task) & (d["scorer"] == scorer) & (d["source"] == source)].iloc[0]


def test_every_matrix_cell_has_a_figure_or_a_reason():
    rng = np.random.default_rng(1)
    scores = _table(
        _rows("haiku", "semdis_minilm", "human/poets", rng.normal(0.6, 0.05, 40)),
        _rows("haiku", "semdis_minilm", "m/a", rng.normal(0.7, 0.05, 20)),
        _rows("dat", "dat", "m/a", [np.nan] * 10, details={"reason": "only 0 valid unique words (need 7)"}),
        _rows("recipe", "semdis_minilm", "m/a", [0.4, 0.5]),
    )
    board = build(scores, n_boot=200)
    assert len(board.matrix) == len(board.sources) * len(board.tasks) == 2 * 3
    assert all(isinstance(c, str) and c.strip() for c in board.matrix["cell"])
    # the failed DAT is there, with its reason, not silently missing
    assert _cell(board, "m/a", "dat")["cell"] == "0 of 10 answers had 7 valid nouns"
    assert _cell(board, "m/a", "recipe")["cell"].startswith("no human data (score")
    assert _cell(board, "human/poets", "dat")["cell"] == "no published answers"
    # people measured against themselves sit on the 50 line
    assert _cell(board, "human/poets", "haiku")["human_pct"] == pytest.approx(50, abs=3)
    assert _cell(board, "m/a", "haiku")["human_pct"] > 90


def test_one_percentile_the_typical_answer_among_people():
    """The percentile is that of the median answer in the human distribution, and the same
    number appears in the matrix and the detail (no second, conflicting percentile)."""
    people = list(np.linspace(1, 5, 101))
    scores = _table(_rows("haiku", "semdis_minilm", "human/p", people),
                    _rows("haiku", "semdis_minilm", "m/a", [1.0, 2.0, 4.2, 4.2, 4.2]))
    board = build(scores, n_boot=200)
    row, cell = _row(board, "haiku", "semdis_minilm", "m/a"), _cell(board, "m/a", "haiku")
    below = sum(p < 4.2 for p in people) + 0.5 * sum(p == 4.2 for p in people)
    assert row["median"] == 4.2 and row["human_pct"] == pytest.approx(100 * below / len(people))
    assert cell["human_pct"] == row["human_pct"]
    assert not {"human_pct_of_mean", "mean_human_percentile"} & set(board.detail.columns)


def test_lower_is_better_is_inverted_and_ranked_that_way():
    scores = _table(_rows("aut", "duplicates", "human/p", [0, 1, 2, 3, 4] * 8),
                    _rows("aut", "duplicates", "m/few", [0] * 10),
                    _rows("aut", "duplicates", "m/many", [6] * 10))
    board = build(scores, n_boot=200)
    few, many = _row(board, "aut", "duplicates", "m/few"), _row(board, "aut", "duplicates", "m/many")
    assert few["better"] == "lower" and few["rank"] == 1 and many["rank"] == 3
    assert few["human_pct"] == pytest.approx(90) and many["human_pct"] == 0  # fewer duplicates than 90% of people


def test_cis_over_items_or_over_responses_and_never_empty_brackets(tmp_path):
    rng = np.random.default_rng(2)
    scores = _table(
        _rows("aut", "originality", "m/a", rng.normal(2.5, 0.3, 12), items=["a", "b", "c"] * 4),
        _rows("film_synopsis", "semdis_minilm", "m/a", rng.normal(0.6, 0.1, 30)),  # one prompt, 30 answers
        _rows("flash_fiction", "semdis_minilm", "m/a", [0.5]),  # one answer: no CI at all
    )
    board = build(scores, n_boot=200)
    assert _row(board, "aut", "originality", "m/a")["ci_over"] == "items"
    one_prompt = _row(board, "film_synopsis", "semdis_minilm", "m/a")
    assert one_prompt["ci_over"] == "responses" and one_prompt["ci_low"] < one_prompt["mean"] < one_prompt["ci_high"]
    assert _row(board, "flash_fiction", "semdis_minilm", "m/a")["ci_over"] == "none"
    files = write_leaderboard(board, tmp_path)
    for name in ("leaderboard.md", "leaderboard.html"):
        text = files[name].read_text()
        assert "[, ]" not in text and "[-, -]" not in text and "None" not in text and "nan" not in text
        assert "no CI (1 answer)" in text and "responses" in text


def test_sources_that_cannot_be_told_apart_share_a_rank():
    rng = np.random.default_rng(3)
    same = rng.normal(0.5, 0.05, 20)
    scores = _table(_rows("haiku", "semdis_minilm", "m/a", same), _rows("haiku", "semdis_minilm", "m/b", same + 0.001),
                    _rows("haiku", "semdis_minilm", "m/low", same - 0.4))
    d = build(scores, n_boot=200).detail.set_index("source")
    assert list(d.loc[["m/a", "m/b", "m/low"], "rank_label"]) == ["=1", "=1", "3"]


def test_remote_associates_is_solved_k_of_n_not_a_percentile():
    """An accuracy of 0 was shown as the 34th human percentile."""
    own = _rows("rat", "rat", "m/a", [0.0] * 12, items=[f"own{i}" for i in range(12)])
    board = build(_table(own), n_boot=200)
    cell = _cell(board, "m/a", "rat")
    assert cell["kind"] == "solved" and np.isnan(cell["human_pct"])
    assert cell["cell"].startswith("solved 0 of 12; no human solve rates for these items (people solve")
    from benchmark.scoring.norms import load_norms

    normed = sorted(load_norms().find("rat", "rat").items)[:4]  # Bowden & Jung-Beeman item ids
    rates = [load_norms().find("rat", "rat").items[i].mean for i in normed]
    cell = _cell(build(_table(_rows("rat", "rat", "m/a", [1.0, 0.0, 0.0, 0.0], items=normed)), n_boot=200), "m/a", "rat")
    assert cell["cell"] == f"solved 1 of 4; people solved {100 * np.mean(rates):.0f}% of the same items"


def test_diversity_is_ranked_per_k_not_by_sample_size():
    """Ranked by the scorer's distinct-of-10 value, whatever the number of texts (519 people
    vs 100 GPT-3 texts used to rank by the raw count); a group of fewer than 10 answers is
    not ranked against groups of 10 or more, and says why."""
    people = _rows("film_synopsis", "diversity", "human/p", [7.0] * 519, details={"k": 10, "n_group": 519})
    gpt = _rows("film_synopsis", "diversity", "m/gpt", [9.2] * 100, details={"k": 10, "n_group": 100})
    few = _rows("film_synopsis", "diversity", "m/few", [4.0] * 4, details={"k": 10, "n_group": 4})
    board = build(_table(people, gpt, few), n_boot=200)
    assert _row(board, "film_synopsis", "diversity", "m/gpt")["rank"] == 1
    assert _row(board, "film_synopsis", "diversity", "human/p")["mean"] == 7.0
    low = _row(board, "film_synopsis", "diversity", "m/few")
    assert low["n"] == 0 and low["note"] == "at most 4 answers to one prompt; diversity is counted among 10"
    # the older figure (distinct among all samples, no k) is a reason, not a rank
    old = build(_table(_rows("haiku", "diversity", "human/p", [519.0] * 519, details={"group_size": 519}),
                       _rows("haiku", "semdis_minilm", "human/p", [0.5, 0.6])), n_boot=200)
    row = _row(old, "haiku", "diversity", "human/p")
    assert row["n"] == 0 and "counts distinct answers among all 519 samples" in row["note"]


def test_people_in_the_table_place_only_sources_that_answered_their_prompts():
    """People who wrote to the published prompt are no reference for a model that answered
    another prompt of the same task: its cell says so instead of showing a percentile."""
    scores = _table(_rows("haiku", "semdis_minilm", "human/p", list(np.linspace(0, 1, 30)), items=["published"] * 30),
                    _rows("haiku", "semdis_minilm", "m/same", [0.8] * 5, items=["published"] * 5),
                    _rows("haiku", "semdis_minilm", "m/other", [0.8] * 5, items=["autumn_rain"] * 5))
    board = build(scores, n_boot=200)
    assert _cell(board, "m/same", "haiku")["kind"] == "percentile"
    other = _cell(board, "m/other", "haiku")
    assert other["kind"] == "score" and other["cell"] == "people answered other prompts of this task (score 0.8)"


def test_single_idea_answers_are_placed_among_single_ideas():
    """ocsai rows are single ideas: placed in the per-idea norm, not among whole lists."""
    # version "1": the shipped ocsai (per idea) and Stevenson (whole lists) norms
    ideas = _rows("aut", "originality", "human/ocsai", [2.0, 2.5, 3.0] * 4, items=["brick", "rope", "box"] * 4, version="1")
    lists = _rows("aut", "originality", "m/a", [2.5] * 6, items=["brick", "rope", "box"] * 2, version="1")
    board = build(_table(ideas, lists), n_boot=200, source_units={"human/ocsai": "idea"})
    assert "single ideas" in _row(board, "aut", "originality", "human/ocsai")["reference"]
    assert "single ideas" not in _row(board, "aut", "originality", "m/a")["reference"]


def test_an_unusable_table_is_one_clear_error():
    from benchmark.errors import BenchError

    with pytest.raises(BenchError, match="lacks column"):
        build(pd.DataFrame({"task_id": ["aut"], "value": [1.0]}))
    with pytest.raises(BenchError, match="no numeric scores"):
        build(_table(_rows("dat", "dat", "m/a", [np.nan] * 3)))


def test_a_damaged_leaderboard_file_is_one_line(tmp_path):
    from benchmark.errors import BenchError
    from benchmark.leaderboard import read_leaderboard

    board = build(_table(_rows("haiku", "semdis_minilm", "m/a", [0.4, 0.5])), n_boot=100)
    write_leaderboard(board, tmp_path)
    doc = json.loads((tmp_path / "leaderboard.json").read_text())
    doc["matrix"][0]["kind"] = "guess"
    (tmp_path / "leaderboard.json").write_text(json.dumps(doc))
    with pytest.raises(BenchError, match=r"row 1, column 'kind' fails isin.*rebuild it"):
        read_leaderboard(tmp_path)
