"""DSI validation against the published values: ``python -m benchmark.scoring.validate_dsi``.

The published DSI of the 8,980 texts of ``writing-dat-gpt/concatenated_results_stories.csv``
(human haiku and film synopses; GPT-3, GPT-4 and Vicuna synopses, flash fiction, haiku and
poems) were computed with BERT-large, layers 6 and 7. This prints the Pearson r of the
project's ``dsi`` scorer (a local encoder) with them over all texts (target r >= .95) and
per model x condition, plus Spearman rho.

``--scan N`` first compares every adjacent layer pair of the encoder, both poolings
(each layer's vector a point of its own, or the two layers concatenated), on a fixed
random sample (seed 0) of N texts: that is how the shipped layers were chosen.
``--limit N`` validates on a fixed sample of N texts instead of all.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.paths import shared_data_dir
from benchmark.scoring.validate import _corr as _r

FILE = ("writing-dat-gpt", "concatenated_results_stories.csv")
TARGET_R = 0.95


def published(root: Path | None = None) -> pd.DataFrame:
    """The texts with a published DSI (``story``, ``DSI``, ``model``, ``condition``)."""
    root = root or shared_data_dir()
    if root is None or not root.joinpath(*FILE).is_file():
        raise FileNotFoundError("writing-dat-gpt/concatenated_results_stories.csv not found (set CREATIVITY_BENCH_DATA)")
    df = pd.read_csv(root.joinpath(*FILE))
    df = df[df["story"].notna() & df["DSI"].notna()].reset_index(drop=True)
    df["story"] = df["story"].astype(str)
    return df


def scan_layers(texts: list[str], model: str | None = None) -> pd.DataFrame:
    """DSI for every adjacent layer pair and both poolings, in one encoding pass."""
    from benchmark.scoring.dsi import DSIEncoder, mean_pairwise_distance, sentences
    from benchmark.scoring.embeddings import MINILM_NAME

    enc = DSIEncoder(model or MINILM_NAME, (0, 1), cache=False)
    enc._load()
    n_layers = int(enc._model.config.num_hidden_layers)
    enc.layers = tuple(range(n_layers + 1))
    enc.pool = "concat"  # token rows with every layer side by side; split below
    dim = int(enc._model.config.hidden_size)
    sums = {}
    for t in texts:
        vecs = enc.token_vectors(sentences(t))
        raw = np.concatenate([v for v in vecs if v.shape[0]], axis=0) if vecs else np.zeros((0, dim * (n_layers + 1)))
        # token_vectors normalised the concatenation: re-normalise each layer's block
        blocks = [raw[:, i * dim:(i + 1) * dim] for i in range(n_layers + 1)]
        blocks = [b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12) for b in blocks]
        for lo in range(n_layers):
            pair = (blocks[lo], blocks[lo + 1])
            stack = np.concatenate(pair, axis=0)
            cat = np.concatenate(pair, axis=1)
            cat = cat / np.maximum(np.linalg.norm(cat, axis=1, keepdims=True), 1e-12)
            sums.setdefault((lo, "stack"), []).append(mean_pairwise_distance(stack))
            sums.setdefault((lo, "concat"), []).append(mean_pairwise_distance(cat))
    return pd.DataFrame({f"L{lo}-{lo + 1} {pool}": v for (lo, pool), v in sums.items()})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmark.scoring.validate_dsi", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scan", type=int, default=0, help="compare layer pairs on a sample of N texts first")
    ap.add_argument("--limit", type=int, default=0, help="validate on a fixed sample of N texts (0: all)")
    ap.add_argument("--model", default=None, help="encoder (default: the shipped MiniLM)")
    ap.add_argument("--layers", default=None, help="layer pair, e.g. 3,4 (default: the scorer's)")
    ap.add_argument("--pool", default=None, choices=["stack", "concat"])
    args = ap.parse_args(argv)
    try:
        df = published()
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.scan:
        sample = df.sample(n=min(args.scan, len(df)), random_state=0).reset_index(drop=True)
        t0 = time.perf_counter()
        scan = scan_layers(sample["story"].tolist(), args.model)
        print(f"layer scan on {len(sample)} texts (seed 0), {time.perf_counter() - t0:.0f} s: Pearson r with published DSI")
        y = sample["DSI"].to_numpy(float)
        for col in scan.columns:
            r, rho, n = _r(scan[col].to_numpy(float), y)
            print(f"  {col:<16} r = {r:.3f}   rho = {rho:.3f}   n = {n}")
    from benchmark.scoring.dsi import DivergentSemanticIntegration

    opts = {k: v for k, v in {"model": args.model, "layers": args.layers, "pool": args.pool}.items() if v}
    scorer = DivergentSemanticIntegration(**opts)
    part = df.sample(n=args.limit, random_state=0).reset_index(drop=True) if 0 < args.limit < len(df) else df
    frame = pd.DataFrame({"task_id": "writing", "task_version": "published", "item_id": part["condition"],
                          "source": part["model"], "sample_idx": np.arange(len(part)), "text": part["story"]})
    t0 = time.perf_counter()
    ours = scorer.score(frame)["value"].to_numpy(float)
    wall = time.perf_counter() - t0
    y = part["DSI"].to_numpy(float)
    r, rho, n = _r(ours, y)
    ok = r >= TARGET_R
    print(f"dsi ({scorer.encoder.model_name}, layers {','.join(map(str, scorer.layers))}, {scorer.encoder.pool}; "
          f"version {scorer.version}) vs published BERT-large DSI: r = {r:.3f}, rho = {rho:.3f} over {n} texts "
          f"[{'ok' if ok else 'BELOW TARGET'} r >= {TARGET_R}]; {wall:.0f} s")
    print(f"  {'model':<14} {'condition':<14} {'n':>5}  {'r':>6}  {'rho':>6}  {'mean ours':>9}  {'mean published':>14}")
    for (model, cond), g in part.groupby(["model", "condition"], sort=True):
        idx = g.index.to_numpy()
        gr, grho, gn = _r(ours[idx], y[idx])
        print(f"  {model:<14} {cond:<14} {gn:>5}  {gr:6.3f}  {grho:6.3f}  {np.nanmean(ours[idx]):9.4f}  {np.nanmean(y[idx]):14.4f}")
    within = [_r(ours[g.index.to_numpy()], y[g.index.to_numpy()])[0] for _, g in part.groupby(["model", "condition"])]
    print(f"  mean r within model x condition: {np.nanmean(within):.3f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
