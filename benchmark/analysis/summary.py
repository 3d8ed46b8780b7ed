"""What a reader wants first: one paragraph in plain words, a source x dimension table and
one overall score per source, each with its CI and n.

Why here and not in the rendering: the same figures go into report.json (for scripts and
leaderboards) and the top of report.md/html, so they are computed once. CIs resample
*items* (the rated answers), never single ratings, so judgments of one answer move
together. Across dimensions that share one scale, the overall score is the mean of all
judgments (for yes/no tests: the share of tests passed); across different scales it is the
mean POMP score (percent of the maximum possible, (value - low) / (high - low) x 100;
Cohen, Cohen, Aiken & West 1999), and the table says which.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmark.analysis.binary import item_bootstrap
from benchmark.analysis.glmm import fit_binomial_crossed, separation
from benchmark.analysis.scales import Scale
from benchmark.records import is_human_source


def _unit(scale: Scale | None) -> str:
    return "pass rate" if scale is not None and scale.kind == "binary" else "mean rating"


def source_dimension_table(kept: pd.DataFrame, scales: dict[str, Scale], *, n_boot: int = 1000,
                           seed: int = 0) -> pd.DataFrame:
    """One row per source x dimension: score, 95% item-bootstrap CI, ratings, items, raters."""
    rows = []
    for (src, dim), g in kept.groupby(["source", "dimension"], sort=True):
        lo, hi = item_bootstrap(g["value"], g["item_id"], n_boot=n_boot, seed=seed)
        rows.append({"source": src, "dimension": dim, "unit": _unit(scales.get(dim)), "score": float(g["value"].mean()),
                     "ci_low": lo, "ci_high": hi, "n_ratings": len(g), "n_items": g["item_id"].nunique(),
                     "n_raters": g["rater_id"].nunique(), "is_human": is_human_source(src)})
    return pd.DataFrame(rows)


def _common(scales: dict[str, Scale], dims: list[str]) -> Scale | None:
    found = {(scales[d].kind, scales[d].low, scales[d].high) for d in dims if d in scales}
    return scales[dims[0]] if len(found) == 1 and all(d in scales for d in dims) else None


def overall_by_source(kept: pd.DataFrame, scales: dict[str, Scale], *, n_boot: int = 1000,
                      seed: int = 0) -> tuple[pd.DataFrame, str]:
    """Overall score per source across dimensions with its CI; returns (table, unit)."""
    dims = sorted(kept["dimension"].unique())
    common = _common(scales, dims)
    d = kept
    if common is not None:
        unit = _unit(common)
    else:
        bounded = [x for x in dims if x in scales and scales[x].low is not None and scales[x].high is not None]
        if not bounded:
            return pd.DataFrame(), "none (the dimensions have no common or bounded scale)"
        d = kept[kept["dimension"].isin(bounded)].copy()
        low = d["dimension"].map(lambda x: scales[x].low)
        high = d["dimension"].map(lambda x: scales[x].high)
        d["value"] = (d["value"] - low) / (high - low) * 100.0
        unit = "POMP (0-100)"
    rows = []
    for src, g in d.groupby("source", sort=True):
        lo, hi = item_bootstrap(g["value"], g["item_id"], n_boot=n_boot, seed=seed)
        rows.append({"source": src, "score": float(g["value"].mean()), "ci_low": lo, "ci_high": hi, "unit": unit,
                     "n_dimensions": g["dimension"].nunique(), "n_ratings": len(g), "n_items": g["item_id"].nunique(),
                     "n_raters": g["rater_id"].nunique(), "is_human": is_human_source(src)})
    out = pd.DataFrame(rows)
    return out.sort_values("score", ascending=False).reset_index(drop=True), unit


def overall_binary_models(kept: pd.DataFrame, scales: dict[str, Scale]) -> tuple[pd.DataFrame, list[str]]:
    """Per AI source vs the pooled human group, over every yes/no dimension at once:
    ``pass ~ is_ai + C(dimension) + (1|rater) + (1|item)`` (binomial mixed model)."""
    dims = [x for x in sorted(kept["dimension"].unique()) if x in scales and scales[x].kind == "binary"]
    d = kept[kept["dimension"].isin(dims)].copy()
    d["group"] = np.where(d["source"].map(is_human_source), "human", "ai")
    if not dims or d["group"].nunique() < 2:
        return pd.DataFrame(), []
    rows, notes = [], []
    fixed = "is_ai" + (" + C(dimension)" if len(dims) > 1 else "")
    for src in sorted(d.loc[d["group"] == "ai", "source"].unique()):
        cd = d[(d["group"] == "human") | (d["source"] == src)].assign(is_ai=lambda x: (x["group"] == "ai").astype(int))
        row = {"source": src, "n_ratings_human": int((cd["is_ai"] == 0).sum()), "n_ratings_ai": int(cd["is_ai"].sum()),
               "n_items_human": int(cd.loc[cd["is_ai"] == 0, "item_id"].nunique()),
               "n_items_ai": int(cd.loc[cd["is_ai"] == 1, "item_id"].nunique()), "n_dimensions": len(dims),
               "pass_human": float(cd.loc[cd["is_ai"] == 0, "value"].mean()),
               "pass_ai": float(cd.loc[cd["is_ai"] == 1, "value"].mean())}
        sep = separation(cd)
        if sep:
            notes.append(f"overall / {src} vs human: {sep}")
            rows.append({**row, "model": "none (separation)"})
            continue
        fit = fit_binomial_crossed(cd, fixed)
        t = fit.term("is_ai")
        notes += [f"overall / {src} vs human: {w}" for w in fit.warnings]
        rows.append({**row, "odds_ratio": t.get("odds_ratio"), "or_ci_low": t.get("or_ci_low"),
                     "or_ci_high": t.get("or_ci_high"), "p": t.get("p"), "model": f"{fit.method}; value ~ {fixed}"})
    return pd.DataFrame(rows), notes


def _pct(x) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{100 * x:.0f}%"


def _num(x, nd: int = 2) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:.{nd}f}"


def _name(src: str) -> str:
    return "people's answers" if src == "human" else (f"people's answers ({src})" if is_human_source(src) else src + "'s")


def plain_summary(rep: dict) -> str:
    """The report's first paragraph, from figures already in ``rep``."""
    parts: list[str] = []
    ov = rep.get("overall") or []
    unit = rep.get("overall_unit", "")
    if ov:
        dims = sorted({r["dimension"] for r in rep.get("source_dimension", [])})
        lead = sorted(ov, key=lambda r: (not r["is_human"], -r["score"]))
        if unit == "pass rate":
            bits = [f"{_name(r['source'])} passed {_pct(r['score'])} [{_pct(r['ci_low'])}, {_pct(r['ci_high'])}]"
                    for r in lead]
            parts.append(f"Over {len(dims)} yes/no test(s), " + "; ".join(bits) + " of the tests.")
        else:
            fmt = (lambda v: _num(v, 1)) if unit.startswith("POMP") else _num
            bits = [f"{_name(r['source'])} scored {fmt(r['score'])} [{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]" for r in lead]
            parts.append(f"Across {', '.join(dims)} ({unit}), " + "; ".join(bits) + ".")
        n_items = sum(r["n_items"] for r in ov)
        parts.append(f"({n_items} rated answers; 95% CIs resample answers.)")
    for r in rep.get("overall_models") or []:
        if r.get("odds_ratio") is not None:
            parts.append(f"The odds that {r['source']} passes a test are {_num(r['odds_ratio'])} times those of people "
                         f"[{_num(r['or_ci_low'])}, {_num(r['or_ci_high'])}] (binomial mixed model, p = {_num(r.get('p'), 3)}).")
    cmp_rows = [r for r in rep.get("comparisons") or [] if r.get("scope") == "all tasks" and r.get("contrast") == "AI vs human"
                and r.get("scale") != "binary" and r.get("ci_low") is not None and r.get("ci_high") is not None]
    if cmp_rows:
        big = max(cmp_rows, key=lambda r: abs(r.get("estimate") or 0))
        side = "higher" if (big.get("estimate") or 0) > 0 else "lower"
        clear = big["ci_low"] > 0 or big["ci_high"] < 0
        parts.append(f"The largest human-AI difference is on {big['dimension']}: AI answers were rated {side} by "
                     f"{_num(abs(big['estimate']))} points [{_num(big['ci_low'])}, {_num(big['ci_high'])}] "
                     f"(mixed model{'' if clear else '; the CI includes no difference'}).")
    for dim, bt in (rep.get("pairwise") or {}).items():
        if not bt.get("ratings"):
            continue
        top = max(bt["ratings"], key=lambda r: r["elo"])
        rob = bt.get("robustness") or {}
        lead = (f"In {bt['n_battles']} pairwise battles on {dim}, {top['source']} has the highest rating "
                f"(Elo {_num(top['elo'], 0)} [{_num(top['ci_low'], 0)}, {_num(top['ci_high'], 0)}])")
        settled = top.get("rank_high") == 1
        if top.get("rank_high") is not None:
            lead += f"; its 95% rank set is {top['rank_low']}-{top['rank_high']}"
        k = (rob.get("top") or {}).get("k")
        if k is not None:
            lead += f", and removing {k} battle(s) ({100 * rob['top']['share']:.1f}%) would change the top"
        lead += "." if settled or top.get("rank_high") is None else ", so the top is not settled."
        if bt.get("preliminary"):
            lead += " The ratings are preliminary."
        parts.append(lead)
    t = rep.get("turing")
    if t and t.get("refused"):
        parts.append(f"The Turing section is not computed: {t['refused']}.")
    elif t:
        a = t["accuracy"]
        parts.append(f"Raters told human from AI answers correctly {_pct(a['share'])} of the time "
                     f"[{_pct(a['ci_low'])}, {_pct(a['ci_high'])}] over {a['n']} guesses (d' = {_num(t['sdt_pooled']['d_prime'])}).")
    return " ".join(parts)
