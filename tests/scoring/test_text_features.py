"""Per-text word features cached on disk: a re-score reads them instead of recomputing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from benchmark.scoring.text_features import TextMemo, floats_bytes, floats_value, optional_str_bytes, optional_str_value

ROOT = Path(__file__).resolve().parents[2]


def test_memo_values_survive_a_new_process_object(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE", str(tmp_path))
    calls = []

    def stats(text):
        calls.append(text)
        return [float(len(text)), 0.5]

    first = TextMemo("test-stats/1", stats, encode=floats_bytes, decode=floats_value)
    assert first("brick") == [5.0, 0.5] and first("brick") == [5.0, 0.5] and calls == ["brick"]
    first.flush()
    other = TextMemo("test-stats/1", stats, encode=floats_bytes, decode=floats_value)  # as in a fresh process
    other.prefetch(["brick", "rope"])
    assert other("brick") == [5.0, 0.5] and calls == ["brick"]
    assert other("rope") == [4.0, 0.5] and calls == ["brick", "rope"]
    assert TextMemo("test-stats/2", stats)("brick") == [5.0, 0.5] and len(calls) == 3  # a new kind recomputes


def test_value_codecs_round_trip():
    for v in (None, 0.25, [1.0, -2.5, 3.0]):
        assert floats_value(floats_bytes(v)) == v
    for v in (None, "", "not English text (reads as 'fr')"):
        assert optional_str_value(optional_str_bytes(v)) == v


def test_a_rescore_in_a_fresh_process_does_not_load_wordfreq(tmp_path):
    data = tmp_path / "in.parquet"
    pd.DataFrame({"task_id": "aut", "item": "brick", "source": "m",
                  "text": ["use it as a doorstop", "grind it into red pigment", "qwzx plorf gnnnk vrrbt"]}).to_parquet(data)
    code = (
        "import sys, json, pandas as pd\n"
        "from benchmark.scoring import score_responses\n"
        f"s = score_responses(pd.read_parquet({str(data)!r}), ['semdis_glove', 'originality', 'fluency'], progress=False)\n"
        "print(json.dumps({'wordfreq': 'wordfreq' in sys.modules, 'values': s['value'].round(6).tolist()}))\n"
    )
    env = dict(os.environ, CREATIVITY_BENCH_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                                      check=True).stdout.strip().splitlines()[-1]) for _ in range(2)]
    assert runs[0]["wordfreq"] and not runs[1]["wordfreq"]
    assert str(runs[0]["values"]) == str(runs[1]["values"])  # NaN-safe: same figures both times
