"""The report's methods paragraph: exactly what was fitted, per scale, from what ran.

Why generated: a reviewer must be able to tell from the report alone which model and
which coefficient each number comes from (a linear mixed model on 0/1 data was the error
that prompted this), and hand-written methods text drifts from the code. The paragraph is
built from the scales, models and settings recorded in report.json.
"""

from __future__ import annotations


def _dims(rep: dict, kinds: tuple[str, ...]) -> list[str]:
    return [d for d, s in (rep.get("scales") or {}).items() if s["kind"] in kinds]


def methods_paragraph(rep: dict) -> str:
    st = rep.get("settings", {})
    nb, npm = st.get("n_boot"), st.get("n_perm")
    out: list[str] = []
    scales = rep.get("scales") or {}
    if scales:
        inferred = [d for d, s in scales.items() if s["source"] == "inferred"]
        out.append("Each dimension's scale decides its statistics; "
                   + "; ".join(f"{d}: {s['description']} ({s['source']})" for d, s in scales.items()) + "."
                   + (f" Inferred from the values (no declared scale): {', '.join(inferred)}." if inferred else ""))
    binary = _dims(rep, ("binary",))
    if binary:
        models = {r.get("model") for r in rep.get("comparisons") or [] if r.get("scale") == "binary"}
        out.append(
            f"Yes/no dimensions ({', '.join(binary)}): pass rates with Wilson 95% CIs over judgments (statsmodels "
            f"proportion_confint, method 'wilson') and percentile cluster-bootstrap CIs that resample answers ({nb} rounds); "
            "agreement as Fleiss' kappa (statsmodels fleiss_kappa, method 'fleiss', on the answers judged by the modal "
            "number of raters) and Krippendorff's alpha at the nominal level (krippendorff, level_of_measurement='nominal'); "
            "human vs AI as a binomial generalised linear mixed model, logit link, pass ~ is_ai + (1|rater) + (1|item), "
            "fitted by the Laplace approximation with penalised IRLS (lme4's glmer nAGQ = 0 formulation), Wald 95% CIs "
            "reported as odds ratios; overall per source: the same model over all tests with a fixed effect per test; "
            f"difference of pass rates with a cluster-bootstrap CI; permutation test of item pass rates ({npm} permutations)."
            + (f" Models used: {'; '.join(sorted(m for m in models if m))}." if models else ""))
    ordinal = _dims(rep, ("ordinal",))
    if ordinal:
        out.append(
            f"Ordinal dimensions ({', '.join(ordinal)}): Krippendorff's alpha at the ordinal level; Shrout & Fleiss ICCs "
            "(pingouin) on the complete block and variance-component ICCs; human vs AI as a linear mixed model "
            "value ~ is_ai + (1|rater) + (1|item) by REML (rating points as interval, as published analyses do) and, beside "
            "it, a cumulative-link (proportional-odds, logit) model value ~ is_ai with fixed effects only and standard "
            "errors clustered by item (statsmodels OrderedModel; no well-kept Python library fits the mixed version); "
            f"Hedges' g and Cliff's delta with cluster-bootstrap CIs over items ({nb} rounds); permutation tests of item "
            f"means ({npm} permutations).")
    interval = _dims(rep, ("interval", "continuous"))
    if interval:
        out.append(
            f"Interval/continuous dimensions ({', '.join(interval)}): Krippendorff's alpha at the interval level, ICCs, "
            "the linear mixed model value ~ is_ai + (1|rater) + (1|item) by REML, effect sizes with cluster-bootstrap CIs "
            "and permutation tests.")
    if rep.get("comparisons"):
        out.append("p-values are adjusted across all rows of the human-vs-AI table by Holm and by Benjamini-Hochberg "
                   "(statsmodels multipletests, methods passed explicitly).")
    if rep.get("pairwise"):
        out.append(
            f"Pairwise: Bradley-Terry by maximum likelihood (ties half a win), Elo scale 400/ln 10 x beta anchored at the "
            f"human source = 1000, percentile bootstrap over battles ({nb} rounds); battles carrying a selection "
            "probability are weighted by its inverse; simultaneous rank confidence sets by the max-t method over bootstrap "
            "pairwise differences; style control by Bradley-Terry with standardised normalised length differences "
            f"({st.get('style_rounds')} bootstrap rounds); drop-k robustness by influence-guided removal verified by "
            f"refitting. Ratings are marked preliminary below 300 battles or when a 95% CI is wider than "
            f"{st.get('max_ci_width_elo')} Elo.")
    if rep.get("turing") and not rep["turing"].get("refused"):
        out.append("Turing: accuracy with a Wilson CI and an exact binomial test against 0.5; d' and c with the "
                   "log-linear correction (signal = AI-written).")
    return " ".join(out) or "No analysis ran."
