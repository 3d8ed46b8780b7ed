"""Print the DAT validation figures: ``python -m benchmark.scoring.validate_dat [TSV]``.

Scores Olson et al. (2021) Study 2 words with this project's dat scorer (GloVe 6B 50d)
under both dictionaries and compares with the published scores (GloVe 840B). Targets
(issue 3): Pearson r >= .88; with the official words.txt every row the paper scored gets
a score (a row lost only because GloVe 6B lacks a dictionary word is reported as such).
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmark.paths import shared_data_dir
from benchmark.scoring.dat import validate_olson


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = shared_data_dir()
    tsv = Path(args[0]) if args else (root / "dat" / "olson2021_study2.tsv" if root else None)
    if tsv is None or not tsv.exists():
        print("olson2021_study2.tsv not found: pass its path or set CREATIVITY_BENCH_DATA", file=sys.stderr)
        return 2
    words = tsv.parent / "words.txt"
    runs = [("wordfreq (default)", None)] + ([("official words.txt", str(words))] if words.exists() else [])
    ok = True
    for label, dictionary in runs:
        r = validate_olson(tsv, dictionary=dictionary)
        passed = r["pearson_r"] >= 0.88 and (dictionary is None or r["published_but_not_ours"] == r["missed_vocabulary_gaps"])
        ok &= passed
        print(f"DAT {r['vectors']} + {label}: r = {r['pearson_r']:.3f} with published (840B) scores; "
              f"mean {r['mean_ours']:.2f} (SD {r['sd_ours']:.2f}) vs published {r['mean_published']:.2f}; "
              f"scored {r['ours_scored']}/{r['published_scored']} rows the paper scored "
              f"({r['published_but_not_ours']} missed, {r['missed_vocabulary_gaps']} only for GloVe 6B vocabulary) "
              f"[{'ok' if passed else 'BELOW TARGET'}]")
        for ex in r["missed_examples"]:
            print(f"    row {ex['row']}: {ex['reason']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
