"""Turing mode: can people tell human from AI responses?

Why signal detection: raw accuracy mixes ability with bias (a rater who calls everything
"human" is right on every human text). d' separates sensitivity from the criterion c.
Signal = "the response is AI": hit = an AI response called AI, false alarm = a human
response called AI. Rates of exactly 0 or 1 make z infinite, so the log-linear correction
(Hautus 1995: +0.5 to each count, +1 to each total) is applied to every cell by default.
Binomial CIs are Wilson intervals (statsmodels ``proportion_confint``); the test against
chance is an exact binomial test (scipy ``binomtest``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from benchmark.records import is_human_source


def sdt(hits: float, n_signal: float, false_alarms: float, n_noise: float, correction: str = "loglinear") -> dict:
    """d' = z(H) - z(F) and criterion c = -(z(H) + z(F)) / 2."""
    if correction == "loglinear":
        h = (hits + 0.5) / (n_signal + 1)
        f = (false_alarms + 0.5) / (n_noise + 1)
    elif correction == "none":
        h, f = hits / n_signal, false_alarms / n_noise
    else:
        raise ValueError(f"unknown correction {correction!r}")
    zh, zf = stats.norm.ppf(h), stats.norm.ppf(f)
    return {"hit_rate": float(h), "false_alarm_rate": float(f), "d_prime": float(zh - zf), "criterion": float(-(zh + zf) / 2)}


def _prop(k: int, n: int) -> dict:
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson") if n else (np.nan, np.nan)
    return {"k": int(k), "n": int(n), "share": k / n if n else np.nan, "ci_low": float(lo), "ci_high": float(hi)}


def refusal(g: pd.DataFrame) -> str | None:
    """Why accuracy and d' cannot be computed: telling human from AI needs items of both."""
    human = int((~g["truth_ai"]).sum())
    if human == 0:
        return (f"no guessed item has a human source (all {g['item_id'].nunique()} items are AI-written), so accuracy "
                "and d' would only measure how often raters say 'AI'; add human answers to the study")
    if human == len(g):
        return (f"every guessed item has a human source ({g['item_id'].nunique()} items), so accuracy and d' would "
                "only measure how often raters say 'human'; add AI answers to the study")
    return None


def analyze_guesses(guesses: pd.DataFrame, correction: str = "loglinear") -> dict:
    """Overall accuracy (Wilson CI, binomial test vs 0.5), d' and c (pooled and per
    rater), per source share judged human, and nominal Krippendorff alpha."""
    from benchmark.analysis.reliability import guesses_alpha

    g = guesses.copy()
    g["truth_ai"] = ~g["source"].map(is_human_source)
    refused = refusal(g)
    if refused:
        return {"refused": refused, "n_guesses": int(len(g)), "n_items": int(g["item_id"].nunique())}
    g["said_ai"] = g["guess"].eq("ai")
    g["correct"] = g["truth_ai"] == g["said_ai"]
    k, n = int(g["correct"].sum()), len(g)
    acc = _prop(k, n)
    acc["p_vs_chance"] = float(stats.binomtest(k, n, 0.5).pvalue) if n else np.nan
    pooled = sdt(int((g.truth_ai & g.said_ai).sum()), int(g.truth_ai.sum()),
                 int((~g.truth_ai & g.said_ai).sum()), int((~g.truth_ai).sum()), correction)
    per_rater = []
    for rater, r in g.groupby("rater_id"):
        s = sdt(int((r.truth_ai & r.said_ai).sum()), int(r.truth_ai.sum()),
                int((~r.truth_ai & r.said_ai).sum()), int((~r.truth_ai).sum()), correction)
        per_rater.append({"rater_id": rater, "n": len(r), "accuracy": float(r["correct"].mean()), **s})
    per_source = []
    for src, s in g.groupby("source"):
        p = _prop(int(s["guess"].eq("human").sum()), len(s))
        per_source.append({"source": src, "is_human": is_human_source(src), "judged_human": p["share"],
                           "ci_low": p["ci_low"], "ci_high": p["ci_high"], "n": p["n"]})
    return {
        "accuracy": acc,
        "signal": "AI-written response (hit = AI called AI)",
        "correction": correction,
        "sdt_pooled": pooled,
        "sdt_per_rater": per_rater,
        "per_source": per_source,
        "krippendorff_nominal": guesses_alpha(guesses),
    }
