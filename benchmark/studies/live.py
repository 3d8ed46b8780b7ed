"""A live leaderboard of one study, for the researcher while ratings come in.

Why these statistics: they are the ones the final report uses, on the ratings that count
(``usable`` rows of real items only), so what the admin page shows does not disagree
with ``analyze`` later. Likert: per source and dimension, the mean of item means with a
percentile bootstrap CI over items (``benchmark.analysis.effects.mean_ci``). Checklist:
the pass rate per source and test, and overall, with Wilson CIs (statsmodels). Pairwise:
Bradley-Terry ratings on the Elo scale with bootstrap CIs (``benchmark.analysis``).
Turing: the share of answers judged human, per source, with Wilson CIs.
"""

from __future__ import annotations

import pandas as pd

from benchmark.studies.export import export_ratings

N_BOOT = 200  # a live view: enough for a stable CI on screen, fast enough for every refresh


def _wilson(k: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(k.to_numpy(), n.to_numpy(), alpha=0.05, method="wilson")
    return pd.Series(lo, index=k.index), pd.Series(hi, index=k.index)


def _likert(df: pd.DataFrame) -> pd.DataFrame:
    from benchmark.analysis.effects import mean_ci

    rows = []
    for (source, dim), g in df.groupby(["source", "dimension"]):
        per_item = g.groupby("item_id")["value"].mean().to_numpy()
        mean, lo, hi = mean_ci(per_item, n_boot=N_BOOT, seed=0)
        rows.append({"source": source, "dimension": dim, "mean": mean, "ci_low": lo, "ci_high": hi,
                     "items": len(per_item), "ratings": len(g)})
    return pd.DataFrame(rows).sort_values(["dimension", "mean"], ascending=[True, False]).reset_index(drop=True)


def _checklist(df: pd.DataFrame) -> pd.DataFrame:
    both = pd.concat([df, df.assign(dimension="(all tests)")])
    g = both.groupby(["source", "dimension"])["value"].agg(["sum", "count"])
    lo, hi = _wilson(g["sum"], g["count"])
    out = pd.DataFrame({"pass_rate": g["sum"] / g["count"], "ci_low": lo, "ci_high": hi, "answers": g["count"]})
    return out.reset_index().sort_values(["dimension", "pass_rate"], ascending=[True, False]).reset_index(drop=True)


def _turing(df: pd.DataFrame) -> pd.DataFrame:
    g = df.assign(judged_human=(df["guess"] == "human").astype(int)).groupby("source")["judged_human"].agg(["sum", "count"])
    lo, hi = _wilson(g["sum"], g["count"])
    out = pd.DataFrame({"judged_human": g["sum"] / g["count"], "ci_low": lo, "ci_high": hi, "guesses": g["count"]})
    return out.reset_index().sort_values("judged_human", ascending=False).reset_index(drop=True)


def live_board(db_url: str, study_id: str, mode: str) -> tuple[pd.DataFrame, str]:
    """(table, how it was computed) for the study's usable ratings so far."""
    tables = export_ratings(db_url, study_id)
    if mode in ("likert", "checklist"):
        df = tables["likert"]
        df = df[~df["is_check"].astype(bool) & df["usable"].astype(bool)]
        if df.empty:
            return pd.DataFrame(), "no usable ratings yet"
        if mode == "checklist":
            return _checklist(df), "pass rate per source and test (1 = yes), Wilson 95% CI; '(all tests)' pools them"
        return _likert(df), f"mean of item means per source, percentile bootstrap 95% CI over items ({N_BOOT} rounds)"
    if mode == "pairwise":
        from benchmark.analysis.pairwise import bradley_terry

        b = tables["battles"]
        b = b[b["usable"].astype(bool)]
        if b.empty or (b["left_source"] == b["right_source"]).all():
            return pd.DataFrame(), "no usable battles yet"
        res = bradley_terry(b, n_bootstrap=N_BOOT, seed=0)
        note = "; ".join(res.warnings)
        return (res.table[["rank", "source", "elo", "ci_low", "ci_high", "n_battles"]],
                f"Bradley-Terry (Elo scale, ties = half a win), bootstrap 95% CI over battles ({N_BOOT} rounds)"
                + (f"; {note}" if note else ""))
    g = tables["guesses"]
    g = g[g["usable"].astype(bool)]
    if g.empty:
        return pd.DataFrame(), "no usable guesses yet"
    return _turing(g), "share of answers judged 'a person', per true source, Wilson 95% CI"
