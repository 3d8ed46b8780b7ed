"""How well the LLM judge agrees with people: ``python -m benchmark.scoring.validate_judge [N] [MODEL]``.

Rates N responses of the ocsai AUT val split (a fixed random sample, seed 0) with
``judge_originality`` and prints the Pearson r with the mean human originality rating,
plus how many replies could not be parsed. The published anchor for a zero-shot GPT-4o
judge is r = .61; a tiny embedded model is expected to be far below it.
"""

from __future__ import annotations

import sys
import time

import numpy as np


def validate_judge(n: int = 100, model: str = "llamacpp/smollm2", seed: int = 0) -> dict:
    from scipy.stats import pearsonr

    from benchmark.scoring.judge import JudgeOriginality
    from benchmark.scoring.norms_build import _data, read_ocsai
    from benchmark.scoring.prepare import prepare_responses

    val = read_ocsai(_data("ocsai-aut", "aut_val.jsonl"))
    sample = val.sample(n=min(n, len(val)), random_state=seed).reset_index(drop=True)
    df = prepare_responses(sample.drop(columns=["rating"]).assign(source="human/ocsai", sample_idx=range(len(sample))))
    df["ideas"] = [[t] for t in df["text"]]  # one ocsai row = one idea
    t0 = time.perf_counter()
    out = JudgeOriginality(model).score(df)
    wall = time.perf_counter() - t0
    ok = out["value"].notna().to_numpy()
    r = float(pearsonr(out["value"][ok], sample["rating"][ok])[0]) if ok.sum() > 2 else float("nan")
    return {"model": model, "n": int(len(sample)), "rated": int(ok.sum()), "pearson_r": r,
            "mean_rating": float(np.nanmean(out["value"])), "seconds": round(wall, 1)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 100
    model = args[1] if len(args) > 1 else "llamacpp/smollm2"
    r = validate_judge(n, model)
    print(f"judge_originality ({r['model']}) on {r['n']} ocsai AUT val responses: r = {r['pearson_r']:.3f} with the "
          f"human mean; {r['rated']}/{r['n']} replies parsed; mean rating {r['mean_rating']:.2f}; {r['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
