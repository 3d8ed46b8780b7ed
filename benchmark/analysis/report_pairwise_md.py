"""Markdown of the pairwise (Bradley-Terry) and Turing sections of the analysis report.

Why the warnings come first: a rating that rests on 12 battles looks as firm in a table as
one that rests on 12,000, so the sparse-design warnings and the "preliminary" label lead
each pairwise section, before the ratings, the style-controlled ratings, the rank sets and
the drop-k check.
"""

from __future__ import annotations

from typing import Callable


def pairwise_markdown(rep: dict, figure_names: list[str], table: Callable, f: Callable) -> list[str]:
    md = ["## Pairwise (Bradley-Terry)", ""]
    for dim, bt in rep["pairwise"].items():
        tag = " (preliminary)" if bt.get("preliminary") else ""
        design = bt.get("design") or {}
        md += [f"### {dim}{tag}", ""]
        if bt["warnings"]:
            md += ["Warnings:", ""] + [f"- {w}" for w in bt["warnings"]] + [""]
        md += [f"{bt['n_battles']} battles among {design.get('n_sources', '?')} sources; "
               f"{design.get('pairs_met', '?')} of {design.get('pairs_possible', '?')} pairs met, "
               f"{f(design.get('battles_per_pair_min'), 0)}-{f(design.get('battles_per_pair_max'), 0)} battles per pair "
               f"(median {f(design.get('battles_per_pair_median'), 0)}); anchor {bt['anchor']}; both_bad = {bt['both_bad']}"
               + (f"; battles weighted by {bt['weighted']}" if bt.get("weighted") else "") + ".", ""]
        rows = [{**r, "ci": f"[{f(r.get('ci_low'), 0)}, {f(r.get('ci_high'), 0)}]",
                 "set": (f"{r['rank_low']}-{r['rank_high']}" if r.get("rank_low") is not None else "–"),
                 "elo_c": f(r.get("elo_controlled"), 0),
                 "ci_c": (f"[{f(r.get('ci_low_controlled'), 0)}, {f(r.get('ci_high_controlled'), 0)}]"
                          if r.get("elo_controlled") is not None else "–")} for r in bt["ratings"]]
        md += table(rows, [("rank", "rank"), ("rank set", "set"), ("source", "source"), ("Elo", "elo"), ("95% CI", "ci"),
                           ("style-controlled Elo", "elo_c"), ("95% CI ", "ci_c"), ("battles", "n_battles")])
        rob = bt.get("robustness") or {}
        if rob.get("rank_sets_method"):
            md += [f"Rank: 1 + sources whose CI lies wholly above. Rank set: {rob['rank_sets_method']}.", ""]
        style = bt.get("style") or {}
        if style.get("skipped"):
            md += [f"Style control: not computed, {style['skipped']}.", ""]
        elif style:
            md += [f"Style control: {style['method']}. Coefficients (log-odds of winning per SD of the normalised difference):", ""]
            md += table([{**c, "ci": f"[{f(c['ci_low'], 2)}, {f(c['ci_high'], 2)}]"} for c in style["covariates"]],
                        [("covariate", "covariate"), ("log-odds per SD", "log_odds_per_sd"), ("95% CI", "ci"),
                         ("odds ratio per SD", "odds_ratio_per_sd")])
        if rob.get("top"):
            t = rob["top"]
            if t.get("k") is not None:
                md += [f"Drop-k robustness: removing {t['k']} of {t['n_battles']} battles ({100 * t['share']:.1f}%) puts "
                       f"{t['overtaken_by']} level with or above {t['source']} at the top ({rob['method']}).", ""]
            else:
                md += [f"Drop-k robustness: {t['source']} stays on top; {t.get('note')}.", ""]
            md += table([{**a, "sh": "–" if a.get("share") is None else f"{100 * a['share']:.1f}%"} for a in rob["adjacent"]],
                        [("upper", "upper"), ("lower", "lower"), ("gap (Elo)", "gap_elo"), ("battles to swap", "k"),
                         ("share", "sh")])
        if f"bt_{dim}" in figure_names:
            md += [f"![bt_{dim}](plots/bt_{dim}.png)", ""]
    return md


def turing_markdown(rep: dict, figure_names: list[str], table: Callable, f: Callable) -> list[str]:
    t = rep["turing"]
    md = ["## Turing mode", ""]
    if t.get("refused"):
        return md + [f"Not computed: {t['refused']} ({t['n_guesses']} guesses on {t['n_items']} items).", ""]
    a, s = t["accuracy"], t["sdt_pooled"]
    md += [f"Accuracy {f(a['share'])} [{f(a['ci_low'])}, {f(a['ci_high'])}] over {a['n']} guesses "
           f"(binomial test vs 0.5: p = {f(a['p_vs_chance'])}); d' = {f(s['d_prime'])}, c = {f(s['criterion'])} "
           f"({t['signal']}; {t['correction']} correction); Krippendorff's alpha (nominal) = {f(t['krippendorff_nominal'])}.", ""]
    md += table(t["per_source"], [("source", "source"), ("judged human", "judged_human"), ("CI low", "ci_low"),
                                  ("CI high", "ci_high"), ("n", "n")])
    if "turing" in figure_names:
        md += ["![turing](plots/turing.png)", ""]
    return md
