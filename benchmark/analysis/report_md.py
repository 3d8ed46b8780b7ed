"""The analysis report as Markdown: summary first, then each section, then the methods.

Why one module per output: report.json holds every number; this module decides what a
reader sees and in what order (the plain-language summary and the overall scores first,
the details after), and ``render`` turns it into HTML. Cells are escaped for tables only
(``|``); the HTML renderer keeps raw HTML off.
"""

from __future__ import annotations

import json
import math

import numpy as np

from benchmark.analysis.methods import methods_paragraph
from benchmark.analysis.report_pairwise_md import pairwise_markdown, turing_markdown


def _f(v, nd: int = 3) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return "–"
        if v != 0 and abs(v) < 1e-3:
            return f"{v:.1e}"
        return f"{v:.{nd}f}"
    return str(v)


def _table(rows: list[dict], cols: list[tuple[str, str]]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    out = ["| " + " | ".join(h for h, _ in cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(_f(r.get(k)).replace("|", "/") for _, k in cols) + " |")
    return out + [""]


def _ci(r: dict, lo: str, hi: str, nd: int = 2) -> str:
    return f"[{_f(r.get(lo), nd)}, {_f(r.get(hi), nd)}]"


def _pct(v) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{100 * v:.1f}%"


def _pct_ci(r: dict, lo: str, hi: str) -> str:
    return f"[{_pct(r.get(lo))}, {_pct(r.get(hi))}]"


def _summary(rep: dict, figure_names: list[str]) -> list[str]:
    md = ["## Summary", "", rep.get("summary") or "(nothing to summarise)", ""]
    unit = rep.get("overall_unit", "")
    binary = unit == "pass rate"
    fmt = (lambda r, k: _pct(r.get(k))) if binary else (lambda r, k: _f(r.get(k), 2))
    if rep.get("overall"):
        md += [f"Overall score per source across dimensions ({unit}; 95% CI resampling answers):", ""]
        md += _table([{**r, "s": fmt(r, "score"), "c": f"[{fmt(r, 'ci_low')}, {fmt(r, 'ci_high')}]"} for r in rep["overall"]],
                     [("source", "source"), (unit, "s"), ("95% CI", "c"), ("dimensions", "n_dimensions"),
                      ("answers", "n_items"), ("ratings", "n_ratings"), ("raters", "n_raters")])
    if rep.get("overall_models"):
        md += ["Each AI source against people over all yes/no tests at once (binomial mixed model, "
               "pass ~ is_ai + test + (1|rater) + (1|answer)):", ""]
        md += _table([{**r, "or": _f(r.get("odds_ratio"), 2), "orci": _ci(r, "or_ci_low", "or_ci_high"),
                       "ph": _pct(r.get("pass_human")), "pa": _pct(r.get("pass_ai"))} for r in rep["overall_models"]],
                     [("AI source", "source"), ("people pass", "ph"), ("AI pass", "pa"), ("odds ratio", "or"),
                      ("95% CI", "orci"), ("p", "p"), ("n people", "n_ratings_human"), ("n AI", "n_ratings_ai"),
                      ("answers people", "n_items_human"), ("answers AI", "n_items_ai")])
    if rep.get("source_dimension"):
        dims = sorted({r["dimension"] for r in rep["source_dimension"]})
        cell = {(r["source"], r["dimension"]): r for r in rep["source_dimension"]}
        units = {r["dimension"]: r["unit"] for r in rep["source_dimension"]}
        md += ["Source x dimension (score [95% CI], n ratings):", "",
               "| source | " + " | ".join(f"{d} ({units[d]})" for d in dims) + " |", "|---|" + "---|" * len(dims)]
        for src in sorted({r["source"] for r in rep["source_dimension"]}):
            cells = []
            for d in dims:
                r = cell.get((src, d))
                if r is None:
                    cells.append("–")
                    continue
                f = (lambda k: _pct(r.get(k))) if units[d] == "pass rate" else (lambda k: _f(r.get(k), 2))
                cells.append(f"{f('score')} [{f('ci_low')}, {f('ci_high')}] n={r['n_ratings']}")
            md.append(f"| {src.replace('|', '/')} | " + " | ".join(cells) + " |")
        md.append("")
    if "pass_rates" in figure_names:
        md += ["![pass_rates](plots/pass_rates.png)", ""]
    if rep.get("scales"):
        md += ["Scales: " + "; ".join(f"{d}: {s['description']} ({s['source']})" for d, s in rep["scales"].items()) + ".", ""]
    return md


def _reliability(rep: dict, figure_names: list[str]) -> list[str]:
    md = ["## Reliability", ""]
    for r in rep["reliability"]:
        if r.get("scale") == "binary":
            md += [f"### {r['dimension']} (yes/no)", "",
                   f"{r['n_items']} answers, {r['n_raters']} raters, {_f(r['ratings_per_item'], 2)} judgments per answer; "
                   f"pass rate {_pct(r['pass_rate'])}; observed agreement {_pct(r['percent_agreement'])}; "
                   f"Fleiss' kappa = {_f(r['fleiss_kappa'])} ({r['fleiss_items']} answers x {r['fleiss_raters_per_item']} raters); "
                   f"Krippendorff's alpha (nominal) = {_f(r['krippendorff_alpha'])}.", ""]
        else:
            level = r.get("alpha_level") or "ordinal"
            md += [f"### {r['dimension']}", "",
                   f"{r['n_items']} items, {r['n_raters']} raters, {_f(r['ratings_per_item'], 2)} ratings per item; "
                   f"Krippendorff's alpha ({level}) = {_f(r.get('krippendorff_alpha'))}; "
                   f"Cronbach's alpha = {_f(r['cronbach_alpha'])}"
                   + (f"; the two raters correlate r = {_f(r['pairwise_r'])}" if r.get("pairwise_r") is not None else "") + ".", ""]
            if r.get("icc"):
                md += _table(r["icc"], [("form", "form"), ("description", "description"), ("ICC", "icc"),
                                        ("CI low", "ci_low"), ("CI high", "ci_high"), ("p", "p")])
            if r.get("icc_components"):
                c = r["icc_components"]
                md += [f"From variance components ({c.get('method')}): agreement ICC single = "
                       f"{_f(c['ICC_agreement_1'])}, mean of k = {_f(c['k'], 2)} ratings = {_f(c['ICC_agreement_k'])}; "
                       f"consistency single = {_f(c['ICC_consistency_1'])}.", ""]
        md += [f"- {n}" for n in r.get("notes", [])] + ([""] if r.get("notes") else [])
    if "reliability" in figure_names:
        md += ["![reliability](plots/reliability.png)", ""]
    return md


def _comparisons(rep: dict, figure_names: list[str]) -> list[str]:
    md = ["## Human vs AI", ""]
    rows = rep["comparisons"]
    lin = [r for r in rows if r.get("scale") != "binary"]
    binary = [r for r in rows if r.get("scale") == "binary"]
    if lin:
        md += ["Mixed model: value ~ is_ai + (1|rater) + (1|item), REML; estimate = AI minus human in rating points. "
               "Effect sizes with cluster-bootstrap CIs over items; p_perm = permutation test of item means; "
               "Holm and BH adjust across all rows.", ""]
        md += _table([{**r, "est_ci": _ci(r, "ci_low", "ci_high"), "g_ci": _ci(r, "g_ci_low", "g_ci_high"),
                       "d_ci": _ci(r, "delta_ci_low", "delta_ci_high"),
                       "tk": f"{_f(r.get('top_k_diff'), 2)} {_ci(r, 'top_k_diff_ci_low', 'top_k_diff_ci_high')}"}
                      for r in lin],
                     [("scope", "scope"), ("dimension", "dimension"), ("contrast", "contrast"),
                      ("n human", "n_ratings_human"), ("n AI", "n_ratings_ai"), ("items human", "n_items_human"),
                      ("items AI", "n_items_ai"), ("raters", "n_raters"),
                      ("human", "mean_human"), ("AI", "mean_ai"), ("estimate", "estimate"), ("95% CI", "est_ci"),
                      ("p", "p_model"), ("p Holm", "p_model_holm"), ("g", "hedges_g"), ("g CI", "g_ci"),
                      ("delta", "cliffs_delta"), ("delta CI", "d_ci"), ("p_perm", "p_perm"), ("p_perm BH", "p_perm_bh"),
                      ("top-k AI-human", "tk"), ("model", "model")])
    ordinal = [r for r in lin if r.get("scale") == "ordinal" and r.get("clm_or") is not None]
    if ordinal:
        md += ["Ordinal dimensions, cumulative-link model (proportional odds, logit; fixed effects, SEs clustered by item: "
               "no well-kept Python library fits a mixed cumulative-link model): odds of a higher rating for AI answers.", ""]
        md += _table([{**r, "orci": _ci(r, "clm_or_ci_low", "clm_or_ci_high")} for r in ordinal],
                     [("scope", "scope"), ("dimension", "dimension"), ("contrast", "contrast"), ("n human", "n_ratings_human"),
                      ("n AI", "n_ratings_ai"), ("odds ratio", "clm_or"), ("95% CI", "orci"), ("p", "clm_p")])
    if binary:
        md += ["Yes/no dimensions: pass rates (Wilson 95% CI over judgments), AI minus human difference "
               "(cluster-bootstrap CI over answers), and the odds ratio from a binomial mixed model "
               "pass ~ is_ai + (1|rater) + (1|item) (logit link, Laplace approximation).", ""]
        md += _table([{**r, "ph": f"{_pct(r.get('mean_human'))} {_pct_ci(r, 'human_wilson_low', 'human_wilson_high')}",
                       "pa": f"{_pct(r.get('mean_ai'))} {_pct_ci(r, 'ai_wilson_low', 'ai_wilson_high')}",
                       "dd": f"{_pct(r.get('rate_diff'))} {_pct_ci(r, 'rate_diff_ci_low', 'rate_diff_ci_high')}",
                       "orci": _ci(r, "or_ci_low", "or_ci_high")} for r in binary],
                     [("scope", "scope"), ("test", "dimension"), ("contrast", "contrast"), ("n human", "n_ratings_human"),
                      ("n AI", "n_ratings_ai"), ("answers human", "n_items_human"), ("answers AI", "n_items_ai"),
                      ("raters", "n_raters"), ("people pass", "ph"), ("AI pass", "pa"), ("AI - people", "dd"),
                      ("odds ratio", "odds_ratio"), ("95% CI", "orci"), ("p", "p_model"), ("p Holm", "p_model_holm"),
                      ("p_perm", "p_perm"), ("model", "model")])
    for name in ("forest", "forest_odds"):
        if name in figure_names:
            md += [f"![{name}](plots/{name}.png)", ""]
    return md


def report_markdown(rep: dict, figure_names: list[str]) -> str:
    md = ["# creativity-bench analysis report", "",
          f"Input: {rep['input']}  ", f"Created: {rep['created_at']}; seed {rep['settings']['seed']}; "
          f"{rep['settings']['n_boot']} bootstrap rounds; {rep['settings']['n_perm']} permutations.", ""]
    md += _summary(rep, figure_names)
    if "published" in rep:
        md += ["## Published figures", "", "Means from the published paper next to the means recomputed here.", ""]
        md += _table(rep["published"], [("dimension", "dimension"), ("source", "source"), ("published", "published"),
                                         ("reproduced", "reproduced"), ("rule", "rule")])
        if rep.get("published_rater_r") is not None:
            here = {r["dimension"]: r.get("pairwise_r") for r in rep.get("reliability", [])}.get("originality")
            md += [f"Published agreement of the two raters on originality: r = {_f(rep['published_rater_r'], 2)}; "
                   f"here: r = {_f(here)}.", ""]
        if rep.get("citation"):
            md += [f"Source: {rep['citation']}.", ""]
    if "means" in rep:
        md += ["## Ratings by source", ""]
        md += _table(rep["means"], [("dimension", "dimension"), ("source", "source"), ("ratings", "n_ratings"),
                                    ("items", "n_items"), ("mean", "mean"), ("SD", "sd"), ("mean of item means", "item_mean")])
        if "distributions" in figure_names:
            md += ["![distributions](plots/distributions.png)", ""]
    if "raters" in rep:
        md += ["## Raters and exclusions", "", f"Rules: {json.dumps(rep['settings']['exclusions'])}", ""]
        stage = [("stage", "stage")] if any(r.get("stage") for r in rep["raters"]) else []
        md += _table(rep["raters"], [("rater", "rater_id"), ("ratings", "n_ratings"), ("items", "n_items"),
                                     ("LOO r", "loo_r"), ("checks", "n_checks"), ("failed", "failed_checks"),
                                     ("median s", "median_rt_s"), *stage, ("excluded", "excluded")])
        md += ["Excluded raters:", ""] + _table(rep["excluded"], [("rater", "rater_id"), ("reason", "reason")])
    if "reliability" in rep:
        md += _reliability(rep, figure_names)
    if rep.get("comparisons"):
        md += _comparisons(rep, figure_names)
    if rep.get("notes"):
        md += ["### Notes and warnings", ""] + [f"- {n}" for n in rep["notes"]] + [""]
    if "validity" in rep:
        md += ["## Validity of automatic scores", "",
               "Correlation of each automatic scorer with the mean human rating of the same responses.", ""]
        md += _table(rep["validity"],
                     [("scorer", "scorer"), ("dimension", "dimension"), ("n", "n"), ("Pearson r", "pearson_r"),
                      ("Spearman rho", "spearman_rho"), ("p", "pearson_p")])
        md += ["Pearson 95% CIs (Fisher z): " + "; ".join(
            f"{r['scorer']}/{r['dimension']} [{_f((r.get('pearson_ci') or [None, None])[0], 2)}, "
            f"{_f((r.get('pearson_ci') or [None, None])[1], 2)}]" for r in rep["validity"]), ""]
    if "validity_pending" in rep:
        md += ([] if "validity" in rep else ["## Validity of automatic scores", ""]) + [f"Pending: {rep['validity_pending']}", ""]
    if "pairwise" in rep:
        md += pairwise_markdown(rep, figure_names, _table, _f)
    if "turing" in rep:
        md += turing_markdown(rep, figure_names, _table, _f)
    md += ["## Methods", "", rep.get("methods") or methods_paragraph(rep), ""]
    md += ["## Versions", "", ", ".join(f"{k} {v}" for k, v in rep["versions"].items()), ""]
    return "\n".join(md)


__all__ = ["methods_paragraph", "report_markdown"]
