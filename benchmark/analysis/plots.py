"""Report figures (matplotlib, Agg backend) as PNG bytes.

Why bytes: the HTML report must be self-contained (one file to mail or publish), so each
figure is embedded as a base64 PNG; the same bytes are saved beside report.md.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return buf.getvalue()


def distributions(likert: pd.DataFrame) -> bytes:
    """Share of each rating value per source, one panel per dimension."""
    plt = _plt()
    dims = sorted(likert["dimension"].unique())
    sources = sorted(likert["source"].unique())
    levels = np.sort(likert["value"].unique())
    fig, axes = plt.subplots(1, len(dims), figsize=(4.2 * len(dims), 3.2), squeeze=False)
    width = 0.8 / max(len(sources), 1)
    for ax, dim in zip(axes[0], dims):
        d = likert[likert["dimension"] == dim]
        for j, src in enumerate(sources):
            v = d.loc[d["source"] == src, "value"]
            if not len(v):
                continue
            share = v.value_counts(normalize=True).reindex(levels, fill_value=0)
            ax.bar(np.arange(len(levels)) + j * width, share.values, width, label=f"{src} (mean {v.mean():.2f})")
        ax.set_xticks(np.arange(len(levels)) + 0.4 - width / 2)
        ax.set_xticklabels([f"{x:g}" for x in levels])
        ax.set_title(dim)
        ax.set_xlabel("rating")
        ax.set_ylabel("share of ratings")
        ax.legend(fontsize=7)
    return _png(fig)


def pass_rates(rates: pd.DataFrame) -> bytes:
    """Pass rate per test and source with the item-bootstrap 95% CI (yes/no dimensions)."""
    plt = _plt()
    dims = sorted(rates["dimension"].unique())
    sources = sorted(rates["source"].unique())
    fig, ax = plt.subplots(figsize=(6.5, 0.5 * len(dims) * max(len(sources), 1) ** 0.5 + 1.4))
    h = 0.8 / max(len(sources), 1)
    for j, src in enumerate(sources):
        r = rates[rates["source"] == src].set_index("dimension").reindex(dims)
        y = np.arange(len(dims)) + j * h
        err = np.vstack([r["pass_rate"] - r["boot_low"], r["boot_high"] - r["pass_rate"]]).clip(0)
        ax.barh(y, r["pass_rate"], h, xerr=np.nan_to_num(err), capsize=2, label=src)
    ax.set_yticks(np.arange(len(dims)) + 0.4 - h / 2)
    ax.set_yticklabels(dims, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of judgments passed (95% CI resampling answers)")
    ax.legend(fontsize=7)
    return _png(fig)


def forest(comparisons: pd.DataFrame) -> bytes:
    """Mixed-model estimates (AI minus human, rating points) with 95% CIs."""
    plt = _plt()
    c = comparisons.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(c) + 1.2))
    y = np.arange(len(c))[::-1]
    ax.errorbar(c["estimate"], y, xerr=[c["estimate"] - c["ci_low"], c["ci_high"] - c["estimate"]], fmt="o", capsize=3)
    ax.axvline(0, color="grey", lw=1, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r.scope} / {r.dimension} / {r.contrast}" for r in c.itertuples()], fontsize=8)
    ax.set_xlabel("AI minus human (rating points, mixed model, 95% CI)")
    return _png(fig)


def bt_ratings(table: pd.DataFrame) -> bytes:
    """Bradley-Terry Elo ratings with bootstrap CIs, human source highlighted."""
    plt = _plt()
    t = table.sort_values("elo").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(6.5, 0.4 * len(t) + 1.2))
    colors = ["tab:orange" if h else "tab:blue" for h in t["is_human"]]
    ax.errorbar(t["elo"], np.arange(len(t)), xerr=[t["elo"] - t["ci_low"], t["ci_high"] - t["elo"]], fmt="none", ecolor="grey", capsize=3)
    ax.scatter(t["elo"], np.arange(len(t)), c=colors, zorder=3)
    ax.set_yticks(np.arange(len(t)))
    ax.set_yticklabels(t["source"], fontsize=8)
    ax.axvline(1000, color="tab:orange", lw=1, ls=":")
    ax.set_xlabel("Elo (Bradley-Terry, human = 1000, 95% bootstrap CI)")
    return _png(fig)


_RELIABILITY_LABELS = {"icc_single": "ICC agreement, single rater", "icc_average": "ICC agreement, mean of k raters",
                       "krippendorff_alpha": "Krippendorff's alpha (at each scale's level)",
                       "fleiss_kappa": "Fleiss' kappa (yes/no)"}


def forest_odds(comparisons: pd.DataFrame) -> bytes:
    """Odds ratios of passing (AI vs people, binomial mixed model) with 95% CIs, log scale."""
    plt = _plt()
    c = comparisons[comparisons["odds_ratio"].notna()].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(c) + 1.2))
    y = np.arange(len(c))[::-1]
    ax.errorbar(c["odds_ratio"], y, xerr=[c["odds_ratio"] - c["or_ci_low"], c["or_ci_high"] - c["odds_ratio"]],
                fmt="o", capsize=3)
    ax.axvline(1, color="grey", lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r.scope} / {r.dimension} / {r.contrast}" for r in c.itertuples()], fontsize=8)
    ax.set_xlabel("odds ratio of passing, AI vs people (binomial mixed model, 95% CI)")
    return _png(fig)


def reliability(rel: pd.DataFrame) -> bytes:
    """Per dimension: agreement ICCs, Krippendorff's alpha (its scale's level), Fleiss' kappa."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    x = np.arange(len(rel))
    cols = [c for c in ("icc_single", "icc_average", "krippendorff_alpha", "fleiss_kappa")
            if c in rel.columns and rel[c].notna().any()] or ["krippendorff_alpha"]
    w = 0.8 / len(cols)
    for j, c in enumerate(cols):
        ax.bar(x + j * w, rel[c].astype(float), w, label=_RELIABILITY_LABELS[c])
    ax.set_xticks(x + 0.4 - w / 2)
    ax.set_xticklabels(rel["dimension"])
    vals = rel[cols].to_numpy(float)
    low = float(np.nanmin(vals)) if np.isfinite(vals).any() else 0.0
    ax.set_ylim(min(0.0, low - 0.05), 1)
    ax.set_ylabel("reliability")
    ax.legend(fontsize=7)
    return _png(fig)


def turing_shares(per_source: pd.DataFrame) -> bytes:
    plt = _plt()
    t = per_source.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(6, 0.4 * len(t) + 1.2))
    y = np.arange(len(t))
    ax.errorbar(t["judged_human"], y, xerr=[t["judged_human"] - t["ci_low"], t["ci_high"] - t["judged_human"]], fmt="o", capsize=3)
    ax.set_yticks(y)
    ax.set_yticklabels(t["source"], fontsize=8)
    ax.axvline(0.5, color="grey", ls="--", lw=1)
    ax.set_xlabel("share judged human (95% Wilson CI)")
    return _png(fig)
