"""Work units: deterministic keys and seeds, sample counts, per-task limits."""

from __future__ import annotations

from benchmark.runner.units import expand_units, limit_per_task, unit_seed
from tests.runner.helpers import make_item


def test_seeds_are_deterministic_distinct_and_independent_of_source():
    items = [make_item("brick", n=3), make_item("fork", n=3)]
    a = expand_units(items, ["openai/a"], run_seed=7)
    b = expand_units(items, ["llamacpp/b"], run_seed=7)
    assert [u.seed for u in a] == [u.seed for u in b]  # paired across models
    assert len({u.seed for u in a}) == 6
    assert [u.seed for u in expand_units(items, ["openai/a"], run_seed=8)] != [u.seed for u in a]
    assert a[0].seed == unit_seed(7, "aut", "brick", 0)
    assert all(0 <= u.seed < 2**31 for u in a)


def test_keys_cover_items_sources_and_samples():
    units = expand_units([make_item("brick", n=2)], ["human/p1", "human/p2"], run_seed=0, n=None)
    assert [u.key for u in units] == [
        ("aut", "1", "brick", "human/p1", 0), ("aut", "1", "brick", "human/p1", 1),
        ("aut", "1", "brick", "human/p2", 0), ("aut", "1", "brick", "human/p2", 1),
    ]


def test_overrides_and_n():
    units = expand_units([make_item("brick", n=5, max_tokens=99)], ["s/x"], 0, n=2, overrides={"max_tokens": 8, "temperature": None})
    assert len(units) == 2
    assert units[0].settings.max_tokens == 8 and units[0].settings.temperature == 0.8


def test_system_prompt_goes_first():
    (u,) = expand_units([make_item("brick", system="Be brief.")], ["s/x"], 0)
    assert u.chat() == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "List creative uses for a brick."}]


def test_limit_is_per_task():
    items = [make_item(f"o{i}") for i in range(3)] + [make_item(f"t{i}", task_id="rat") for i in range(3)]
    assert [(i.task_id, i.item_id) for i in limit_per_task(items, 1)] == [("aut", "o0"), ("rat", "t0")]
