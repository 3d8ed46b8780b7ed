"""Scales: declared, given as options, or inferred from the values with a note."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmark.analysis.scales import Scale, infer_scale, parse_scale, parse_scale_options, resolve_scales, scales_from_config
from benchmark.errors import BenchError


def test_parse_options_and_errors():
    opts = parse_scale_options(["plot=binary", "originality=ordinal:5", "x=ordinal:0-4", "t=interval:0-100", "*=continuous"])
    assert opts["plot"] == Scale("binary", 0.0, 1.0, "option")
    assert (opts["originality"].low, opts["originality"].high, opts["originality"].levels) == (1.0, 5.0, 5)
    assert (opts["x"].low, opts["x"].high) == (0.0, 4.0)
    assert opts["t"].describe() == "interval (0-100)" and opts["*"].kind == "continuous"
    assert parse_scale("interval:-2-2").low == -2.0
    for bad in ("x=likert", "x=ordinal", "x=ordinal:5-1", "x=binary:0-1", "=binary", "x"):
        with pytest.raises(BenchError, match="scale|range|DIM|ordinal|binary"):
            parse_scale_options([bad])


def test_inference_and_a_warning_for_stray_values():
    assert infer_scale(pd.Series([0, 1, 1, 0])).kind == "binary"
    s = infer_scale(pd.Series([1, 2, 3, 4, 5] * 20))
    assert (s.kind, s.low, s.high, s.source) == ("ordinal", 1.0, 5.0, "inferred")
    assert infer_scale(pd.Series(range(0, 101))).kind == "interval"
    assert infer_scale(pd.Series([0.1, 2.7, 3.3])).kind == "continuous"
    d = pd.DataFrame({"dimension": "originality", "value": [1, 2, 3, 4, 5] * 100 + [33, -4]})
    scales, notes = resolve_scales(d)
    assert (scales["originality"].low, scales["originality"].high) == (1.0, 5.0)  # strays do not widen it
    warn = [n for n in notes if n.startswith("WARNING")]
    assert len(warn) == 1 and "2 rating(s) (-4, 33) lie outside 1-5" in warn[0] and "--scale originality=" in warn[0]
    # an option or a declared scale wins over inference, and says so
    scales, notes = resolve_scales(d, {"originality": Scale("interval", -10, 40, "declared")}, {})
    assert scales["originality"].source == "declared" and not notes


def test_study_config_declares_scales():
    cfg = {"scale": 5, "dimensions": [{"name": "originality"}, {"name": "has_twist", "scale": "binary"},
                                      {"name": "craft", "scale": "ordinal", "levels": 7},
                                      {"name": "words", "scale": "interval", "min": 0, "max": 500}]}
    s = scales_from_config(cfg)
    assert s["originality"] == Scale("ordinal", 1.0, 5.0, "declared")
    assert s["has_twist"].kind == "binary" and s["craft"].levels == 7 and s["words"].high == 500.0
    with pytest.raises(BenchError, match="study config dimension 'bad'"):
        scales_from_config({"dimensions": [{"name": "bad", "scale": "nominalish"}]})
