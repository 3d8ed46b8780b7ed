"""dsi: cold and cached scoring of published texts, and a 20,000-word text, in fresh processes.

Each figure is one fresh ``python -m benchmark.cli score`` process (model load included,
where a user starts), with its own empty cache folder for the cold run and the same
folder again for the cached run. Figures: texts per second cold (and what that means for
all 8,980 published texts), the cached run as a share of the cold one (target <= 0.35:
a re-score after a scorer change elsewhere must not pay for the transformer again), and
the seconds for one 20,000-word text (bounded by the 400-sentence sample).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmark.paths import REPO_ROOT, shared_data_dir

N = 300


def _score(csv: Path, cache: Path) -> float:
    env = {**os.environ, "CREATIVITY_BENCH_CACHE": str(cache), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO_ROOT)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "benchmark.cli", "score", "--responses", str(csv), "--scorer", "dsi",
                    "--out", str(csv.with_suffix(".scores.csv"))], check=True, env=env, cwd=REPO_ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def run() -> list[dict]:
    root = shared_data_dir()
    f = None if root is None else root / "writing-dat-gpt" / "concatenated_results_stories.csv"
    if f is None or not f.is_file():
        print("shared/data/writing-dat-gpt absent: skipped")
        return []
    df = pd.read_csv(f).dropna(subset=["story"]).sample(n=N, random_state=0)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv = tmp / "texts.csv"
        pd.DataFrame({"task_id": "flash_fiction", "item": "a story", "text": df["story"], "source": "bench"}).to_csv(csv, index=False)
        cold = _score(csv, tmp / "cache")
        warm = _score(csv, tmp / "cache")
        words = " ".join(df["story"].head(40)).split()
        long = tmp / "long.csv"
        pd.DataFrame({"task_id": ["flash_fiction"], "item": ["a story"], "text": [" ".join((words * 100)[:20000])],
                      "source": ["bench"]}).to_csv(long, index=False)
        long_s = _score(long, tmp / "cache2")
    rate = N / cold
    print(f"cold {cold:.1f} s for {N} texts ({rate:.1f} texts/s incl. model load; 8,980 texts ~ {8980 / rate / 60:.0f} min); "
          f"cached {warm:.1f} s; one 20,000-word text {long_s:.1f} s")
    return [
        {"bench": "dsi cached / cold re-score (300 published texts)", "figure": f"{warm:.1f} s / {cold:.1f} s",
         "ratio": warm / cold, "target": "<= 0.35", "ok": warm / cold <= 0.35},
        {"bench": "dsi one 20,000-word text / 300 short texts, cold", "figure": f"{long_s:.1f} s / {cold:.1f} s",
         "ratio": long_s / cold, "target": "<= 1.0", "ok": long_s / cold <= 1.0},
    ]
