"""Validation figures for the meaning-based scorers against real human ratings.

``python -m benchmark.scoring.validate [--judge-n 100] [--no-cv]`` prints, per response
against the mean human originality rating:

* ocsai AUT val split: Pearson and Spearman r of the learned ``originality`` scorer,
  ``semdis_minilm`` and ``semdis_glove`` (additive and multiplicative);
* ocsai Consequences and Instances val rows: r of ``originality`` per task;
* leave-objects-out cross-validation on the training split (refits; ``--no-cv`` skips);
* Stevenson et al. 2022 (book, fork, tin can; never used in fitting): r with the mean
  of two raters, overall and for humans/GPT-3 separately, and on the unseen "tin can";
* the LLM judge on the first ``--judge-n`` AUT val rows, when ``benchmark.scoring.judge``
  is available (skipped otherwise).

Why a script and not only tests: the tests assert the thresholds; this prints the figures
a paper or README quotes, from the same code path that scores models.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.paths import shared_data_dir


def _corr(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    from scipy.stats import pearsonr, spearmanr

    m = ~(np.isnan(pred) | np.isnan(y))
    if m.sum() < 3:
        return math.nan, math.nan, int(m.sum())
    return float(pearsonr(pred[m], y[m])[0]), float(spearmanr(pred[m], y[m])[0]), int(m.sum())


def _frame(df: pd.DataFrame, task_id: str) -> pd.DataFrame:
    """ocsai rows as a response table the scorers accept."""
    return pd.DataFrame({
        "task_id": task_id,
        "task_version": "ocsai",
        "item_id": df["item"].str.lower().str.replace(" ", "_"),
        "source": "human/ocsai",
        "sample_idx": np.arange(len(df)),
        "item": df["item"].to_numpy(),
        "text": df["text"].to_numpy(),
        "ideas": None,
    })


def _within(pred: np.ndarray, y: np.ndarray, groups: np.ndarray) -> str:
    rs = [_corr(pred[groups == g], y[groups == g])[0] for g in np.unique(groups) if (groups == g).sum() >= 30]
    return f"   within = {np.nanmean(rs):6.3f} ({len(rs)} objects)" if rs else ""


def _line(label: str, r: float, rho: float, n: int) -> str:
    return f"  {label:<44} r = {r:6.3f}   rho = {rho:6.3f}   n = {n}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmark.scoring.validate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--judge-n", type=int, default=100, help="AUT val rows for the LLM judge (0 skips it)")
    ap.add_argument("--judge-model", default=None, help="model spec for the judge (default: the judge's own)")
    ap.add_argument("--no-cv", action="store_true", help="skip the leave-objects-out refits (slow)")
    ap.add_argument("--params", default=None, help="originality params folder (default: shipped)")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    data = shared_data_dir()
    if data is None:
        print("no ../shared/data here: nothing to validate against", file=sys.stderr)
        return 2
    from benchmark.scoring.originality import LearnedOriginality, leave_objects_out_cv, ocsai_splits, ocsai_training_set
    from benchmark.scoring.semantic_distance import SemDisGlove, SemDisMiniLM

    splits = ocsai_splits(data)
    orig = LearnedOriginality(params=args.params)
    av = splits["aut_val"]
    frame = _frame(av, "aut")
    y = av["rating"].to_numpy(float)
    print(f"ocsai AUT val split ({len(av)} responses, 21 objects; mean human originality 1-5)")
    items = av["item"].to_numpy()
    o = orig.score(frame)["value"].to_numpy(float)
    print(_line("originality (learned)", *_corr(o, y)) + _within(o, y, items))
    sd = SemDisMiniLM().score(frame)["value"].to_numpy(float)
    print(_line("semdis_minilm", *_corr(sd, y)) + _within(sd, y, items))
    g = SemDisGlove().score(frame)["details"].map(json.loads)
    for comp in ("additive", "multiplicative"):
        vals = np.array([np.nan if d.get(comp) is None else d[comp] for d in g], dtype=float)
        print(_line(f"semdis_glove ({comp}, GloVe 6B 50d)", *_corr(vals, y)) + _within(vals, y, items))
    print("  (within: mean r inside each object with 30+ val rows; pooled r also mixes the objects' rating levels)")

    print("ocsai val, other tasks (alltasks_val)")
    for task in ("consequences", "instances"):
        part = splits["ci_val"][splits["ci_val"]["task"] == task].reset_index(drop=True)
        pred = orig.score(_frame(part, task))["value"].to_numpy(float)
        print(_line(f"originality, {task}", *_corr(pred, part["rating"].to_numpy(float))))

    st_path = data / "stevenson-human-vs-gpt3" / "aut_human_vs_gpt3.csv"
    if st_path.exists():
        st = pd.read_csv(st_path)
        st = st[st["originality"].notna()].reset_index(drop=True)
        sf = pd.DataFrame({"item": st["object"], "text": st["response"].astype(str)})
        pred = orig.score(_frame(sf, "aut"))["value"].to_numpy(float)
        sd = SemDisMiniLM().score(_frame(sf, "aut"))["value"].to_numpy(float)
        yy = st["originality"].to_numpy(float)
        print(f"Stevenson et al. 2022 (not used in fitting; mean of 2 raters; {len(st)} responses)")
        print(_line("originality, all", *_corr(pred, yy)))
        print(_line("semdis_minilm, all", *_corr(sd, yy)))
        for who in ("human", "GPT-3"):
            m = (st["human"] == who).to_numpy()
            print(_line(f"originality, {who} responses", *_corr(pred[m], yy[m])))
        m = (st["object"] == "tin can").to_numpy()
        print(_line("originality, 'tin can' (object unseen in training)", *_corr(pred[m], yy[m])))
        print(f"  mean predicted originality: humans {np.nanmean(pred[st['human'].to_numpy() == 'human']):.2f}, "
              f"GPT-3 {np.nanmean(pred[st['human'].to_numpy() == 'GPT-3']):.2f} "
              f"(human raters: {yy[st['human'].to_numpy() == 'human'].mean():.2f} vs {yy[st['human'].to_numpy() == 'GPT-3'].mean():.2f})")

    if not args.no_cv:
        print("leave-objects-out 5-fold CV on the training split (objects never seen in fitting)")
        cv = leave_objects_out_cv(ocsai_training_set(splits))
        print("  " + ", ".join(f"{k} r = {v:.3f}" for k, v in cv.items()))

    if args.judge_n > 0:
        _judge(av.head(args.judge_n).reset_index(drop=True), args.judge_model)
    return 0


def _judge(sub: pd.DataFrame, model: str | None) -> None:
    import importlib.util

    if importlib.util.find_spec("benchmark.scoring.judge") is None:
        print("LLM judge: skipped (benchmark.scoring.judge is not available)")
        return
    try:
        from benchmark.scoring.base import get_scorer

        opts = {"model": model} if model else {}
        scorer = get_scorer("judge_originality", **opts)
        pred = scorer.score(_frame(sub, "aut"))["value"].to_numpy(float)
    except (BenchError, ImportError, TypeError, RuntimeError, OSError) as exc:
        print(f"LLM judge: skipped ({exc})")
        return
    print(_line(f"judge_originality ({getattr(scorer, 'model', model or 'default')}), first {len(sub)} AUT val",
                *_corr(pred, sub["rating"].to_numpy(float))))


if __name__ == "__main__":
    sys.exit(main())
