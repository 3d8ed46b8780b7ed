"""``make perf``: run every benchmark in tests/perf/ and print one table of ratios.

Each ``tests/perf/bench_*.py`` module exposes ``run() -> list[dict]``; a row has
``bench`` (what was measured), ``figure`` (the measured number as text), ``ratio``
(float, measured in the same run against its baseline), ``target`` (text, e.g.
``<= 1.15``) and ``ok`` (bool). Benchmarks print their own details as they go; the
machine is shared and noisy, so only ratios from one run are compared.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path


def main(argv: list[str]) -> int:
    wanted = set(argv)
    here = Path(__file__).parent
    rows: list[dict] = []
    for mod in sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")):
        if wanted and mod not in wanted and mod.removeprefix("bench_") not in wanted:
            continue
        print(f"\n=== {mod} ===", flush=True)
        t0 = time.perf_counter()
        try:
            rows += importlib.import_module(f"tests.perf.{mod}").run()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            rows.append({"bench": mod, "figure": "failed", "ratio": float("nan"), "target": "-", "ok": False})
        print(f"({mod}: {time.perf_counter() - t0:.1f} s)")
    print("\n| benchmark | figure | ratio | target | ok |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['bench']} | {r['figure']} | {r['ratio']:.3g} | {r['target']} | {'yes' if r['ok'] else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
