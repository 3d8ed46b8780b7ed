"""Adaptive pair selection through the real store (issue 13, item 4), and the battle
lengths that let ``analyze`` control for style on app studies (item 4, style control).

Three model sources of different strength and length; simulated raters prefer the answer
of the stronger source (they read the shown texts, never a source). Afterwards: exact k,
never twice to one rater, a selection probability on every battle that the export carries,
and ``analyze``'s Bradley-Terry fit weighted by it; the style-controlled fit runs.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from benchmark.analysis import bradley_terry, style_controlled
from benchmark.errors import BenchError
from benchmark.studies import StudySpec, create_study, export_ratings, load_config
from benchmark.studies.models import Assignment
from tests.studies.fixtures import make_run

SOURCES = ("sim/model-a", "sim/model-b", "sim/model-c")  # strongest first
WORD = {"sim/model-a": "vivid", "sim/model-b": "plain", "sim/model-c": "dull"}  # what a rater notices
STRENGTH = {"vivid": 3, "plain": 2, "dull": 1}
OBJECTS = ("brick", "fork", "cup")


def _texts() -> dict:
    # the strength word tells the simulated rater which answer to prefer; stronger sources
    # also write more, so length and quality go together (what style control separates)
    return {(s, o, i): "\n".join(f"- a {WORD[s]} use {j} of the {o}" for j in range(STRENGTH[WORD[s]] + i))
            for s in SOURCES for o in OBJECTS for i in range(3)}


def _winner(view: dict) -> str:
    left, right = (max(STRENGTH[w] for w in STRENGTH if w in t) for t in view["texts"])
    return "left" if left > right else "right"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    from benchmark.studies import Store

    url = f"sqlite:///{tmp_path / 'a.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    s = Store(url)
    yield s
    for st in s.list_studies():
        s.delete_study(st["study_id"])
    s.dispose()


def test_adaptive_pairs_keep_exact_k_and_store_the_selection_probability(store, tmp_path):
    run = make_run(tmp_path / "run", sources=SOURCES, objects=OBJECTS, texts=_texts())
    info = create_study(store, StudySpec("ad", mode="pairwise", k=2, min_time_s=0, check_rate=0, items_per_rater=0,
                                         max_pairs_per_prompt=12, adaptive={"explore": 0.3}), runs=[run])
    assert store.config("ad")["adaptive"] == {"explore": 0.3, "prior_sd": 1.5}
    seen: dict[str, list[str]] = {}
    for r in range(4):  # raters take turns, as people arriving would, until no work is left
        store.enter("ad", f"r{r}")
    nxt = {f"r{r}": store.claim("ad", f"r{r}") for r in range(4)}
    while any(nxt.values()):
        for rid, a in nxt.items():
            if a is None:
                continue
            seen.setdefault(rid, []).append(a["item_id"])
            view = store.item_view("ad", a["item_id"], bool(a["swapped"]))
            res = store.submit("ad", rid, a["item_id"], {"creativity": _winner(view)}, claim_next=True)
            assert res.status == "stored"
            nxt[rid] = res.next
    # exact k, never twice to one rater
    assert all(len(v) == len(set(v)) for v in seen.values())
    per_item = Counter(i for v in seen.values() for i in v)
    assert len(per_item) == info["items"] and set(per_item.values()) == {2}
    # every battle carries the probability its pair of sources was drawn with: above the
    # uniform share's floor (explore / 3 source pairs), at most 1, and not all the same
    with store.read() as conn:
        probs = [p for (p,) in conn.execute(select(Assignment.selection_prob).where(Assignment.study_id == "ad"))]
    assert all(0.3 / 3 - 1e-9 <= p <= 1 for p in probs) and len({round(p, 6) for p in probs}) > 1
    battles = export_ratings(store.url, "ad")["battles"]
    assert len(battles) == info["items"] * 2
    assert sorted(battles["selection_prob"].round(9)) == sorted(round(p, 9) for p in probs)
    # the analysis weights the fit by it and ranks the sources as the raters preferred them
    bt = bradley_terry(battles, n_bootstrap=50, seed=0)
    assert bt.weighted
    assert list(bt.table.sort_values("elo", ascending=False)["source"]) == list(SOURCES)
    # the exported lengths are those of the shown texts, and style control runs on them
    assert (battles["left_lines"] >= [STRENGTH[WORD[s]] for s in battles["left_source"]]).all()
    assert (battles["left_length"] == 8 * battles["left_lines"]).all()  # "- a vivid use 0 of the cup"
    style = style_controlled(battles, n_bootstrap=20, seed=0)
    assert "skipped" not in style, style
    assert {c["covariate"] for c in style["covariates"]} >= {"length (words)"}
    if store.is_pg:
        return
    # and `analyze --db` does both from the store, with no flag
    import json

    from benchmark.cli import main

    out = tmp_path / "report"
    assert main(["analyze", "--db", store.url, "--study", "ad", "--out", str(out), "--n-boot", "50",
                 "--n-perm", "99"]) == 0
    pw = json.loads((out / "report.json").read_text())["pairwise"]["creativity"]
    assert pw["weighted"] and "inverse selection probability" in pw["weighted"]
    assert "skipped" not in pw["style"] and pw["style"]["n_battles"] == len(battles)
    assert all(r["elo_controlled"] is not None for r in pw["ratings"])


def test_a_fixed_order_study_exports_no_selection_probability(store, tmp_path):
    run = make_run(tmp_path / "run")
    create_study(store, StudySpec("fx", mode="pairwise", k=1, min_time_s=0, check_rate=0), runs=[run])
    store.enter("fx", "r")
    a = store.claim("fx", "r")
    while a is not None:
        a = store.submit("fx", "r", a["item_id"], {"creativity": "tie"}, claim_next=True).next
    b = export_ratings(store.url, "fx")["battles"]
    assert "selection_prob" not in b.columns and (b["left_length"] > 0).all()
    assert not bradley_terry(b, n_bootstrap=10, seed=0).weighted


def test_adaptive_is_opt_in_from_the_config_or_the_flag_and_for_pairwise_only(tmp_path, run_dir):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(f"id: a\nmode: pairwise\nruns: [{run_dir}]\nadaptive: true\n")
    assert load_config(cfg)[0].adaptive == {"explore": 0.2, "prior_sd": 1.5}
    spec, _ = load_config(None, {"--id": "b", "--mode": "pairwise", "--run": [run_dir], "--adaptive": 0.4})
    assert spec.adaptive["explore"] == 0.4
    assert load_config(None, {"--id": "c", "--mode": "pairwise", "--run": [run_dir]})[0].adaptive is None
    with pytest.raises(BenchError, match="adaptive.*pairwise"):
        load_config(None, {"--id": "d", "--run": [run_dir], "--adaptive": 0.2})
    with pytest.raises(BenchError, match="adaptive.explore"):
        load_config(None, {"--id": "e", "--mode": "pairwise", "--run": [run_dir], "--adaptive": 0})


def test_study_create_takes_adaptive_from_the_command_line(tmp_path, run_dir, capsys):
    from benchmark.cli import main
    from benchmark.studies import open_store

    db = f"sqlite:///{tmp_path / 'c.db'}"
    base = ["study", "create", "--id", "cli", "--mode", "pairwise", "--run", str(run_dir), "--db", db, "--json"]
    assert main([*base, "--adaptive", "0.25"]) == 0
    assert open_store(db).config("cli")["adaptive"] == {"explore": 0.25, "prior_sd": 1.5}
    capsys.readouterr()
    assert main([*base[:-1], "--replace", "--adaptive", "1.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "adaptive.explore (from --adaptive)" in err[0], err
