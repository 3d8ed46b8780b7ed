"""The `evaluate` modules load from their folders and delegate to the scorers."""

from __future__ import annotations

import math

import pytest

from benchmark.paths import PACKAGE_DIR

MODULES = PACKAGE_DIR / "scoring" / "evaluate_modules"


def test_every_scorer_has_a_module_with_one_import_per_line():
    from benchmark.scoring import SCORER_NAMES

    for name in SCORER_NAMES:
        src = (MODULES / name / f"{name}.py").read_text()
        for line in src.splitlines():
            if line.startswith(("import ", "from ")):
                assert "," not in line.split(" import ")[-1] and ";" not in line, (name, line)


@pytest.fixture(scope="module")
def evaluate():
    ev = pytest.importorskip("evaluate")
    return ev


def test_fluency_module(evaluate):
    metric = evaluate.load(str(MODULES / "fluency"))
    res = metric.compute(predictions=["doorstop\npaperweight\ndoorstop", ""], references=["brick", "brick"])
    assert res["scores"][0] == 2.0 and math.isnan(res["scores"][1]) and res["fluency"] == 2.0
    assert res["reasons"][1] == "empty response"


def test_rat_and_dat_modules(evaluate):
    rat = evaluate.load(str(MODULES / "rat"))
    assert rat.compute(predictions=["Cheeses.", "bread"], references=["cheese", "cake"])["scores"] == [1.0, 0.0]
    dat = evaluate.load(str(MODULES / "dat"))
    res = dat.compute(predictions=["cat, dog, table, volcano, justice, spoon, galaxy"])
    assert 70 < res["dat"] < 85 and res["scorer_version"] == "1.0+glove-6b-50d"


@pytest.mark.parametrize("name", ["elaboration", "duplicates", "semdis_minilm", "semdis_glove", "originality"])
def test_module_loads_and_describes_its_inputs(evaluate, name):
    metric = evaluate.load(str(MODULES / name))
    assert set(metric.features) == {"predictions", "references"}
    out = metric.compute(predictions=["use it as a doorstop\nbuild a tiny house for a mouse"], references=["brick"])
    assert out["n_scored"] == 1 and not math.isnan(out[name])
