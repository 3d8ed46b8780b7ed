"""How well the LLM judge agrees with people: ``python -m benchmark.scoring.validate_judge [N] [MODEL]``.

Rates N responses of the ocsai AUT val split (a fixed random sample, seed 0) with
``judge_originality`` and prints the Pearson r with the mean human originality rating,
plus how many replies could not be parsed. The published anchor for a zero-shot GPT-4o
judge is r = .61; a tiny embedded model is expected to be far below it.

``python -m benchmark.scoring.validate_judge --writing [N] [MODEL ...]`` does the same for
the writing judges (``judge_writing``, the 1-5 rubric, and ``judge_checklist``, the
TTCW-style yes/no tests) on N of the 179 human flash-fiction stories (fixed sample, seed 0)
against the mean of their 5 raters, with a permutation p-value (is r above chance?).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd


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


def validate_writing_judge(name: str, n: int = 30, model: str = "llamacpp/smollm2", seed: int = 0) -> dict:
    """r of a writing judge with the raters' mean on ``n`` rated human stories."""
    from scipy.stats import pearsonr, permutation_test

    from benchmark.scoring.base import get_scorer
    from benchmark.scoring.writing_creativity_train import rated_stories
    from benchmark.sources.published import WRITING_ITEMS

    item = next(w for w in WRITING_ITEMS if w.task_id == "flash_fiction")
    df = rated_stories()
    sample = df.sample(n=min(n, len(df)), random_state=seed).reset_index(drop=True)
    frame = pd.DataFrame({"task_id": "flash_fiction", "task_version": "published", "item_id": item.item_id,
                          "source": "human/bellemare2024", "sample_idx": range(len(sample)), "text": sample["story"],
                          "prompt": item.prompt, "item": item.stimulus})
    t0 = time.perf_counter()
    out = get_scorer(name, model=model).score(frame)
    wall = time.perf_counter() - t0
    v = out["value"].to_numpy(float)
    y = sample["StoryRaterMean"].to_numpy(float)
    ok = ~np.isnan(v)
    r = p = float("nan")
    if ok.sum() > 2 and np.nanstd(v) > 0:
        r = float(pearsonr(v[ok], y[ok])[0])
        p = float(permutation_test((v[ok], y[ok]), lambda a, b: pearsonr(a, b)[0], permutation_type="pairings",
                                   n_resamples=2000, alternative="greater", random_state=seed).pvalue)
    return {"scorer": name, "model": model, "n": int(len(sample)), "rated": int(ok.sum()), "pearson_r": r,
            "p_above_chance": p, "distinct_values": int(len(np.unique(v[ok]))), "seconds": round(wall, 1)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--writing":
        n = int(args[1]) if len(args) > 1 else 30
        for model in args[2:] or ["llamacpp/smollm2"]:
            for name in ("judge_writing", "judge_checklist"):
                r = validate_writing_judge(name, n, model)
                chance = "no better than chance" if not (r["p_above_chance"] < 0.05) else "above chance"
                print(f"{name} ({model}) on {r['n']} rated human flash-fiction stories: r = {r['pearson_r']:.3f} with "
                      f"the 5 raters' mean (permutation p = {r['p_above_chance']:.3f}: {chance}); {r['rated']}/{r['n']} "
                      f"scored, {r['distinct_values']} distinct values; {r['seconds']} s")
        return 0
    n = int(args[0]) if args else 100
    model = args[1] if len(args) > 1 else "llamacpp/smollm2"
    r = validate_judge(n, model)
    print(f"judge_originality ({r['model']}) on {r['n']} ocsai AUT val responses: r = {r['pearson_r']:.3f} with the "
          f"human mean; {r['rated']}/{r['n']} replies parsed; mean rating {r['mean_rating']:.2f}; {r['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
