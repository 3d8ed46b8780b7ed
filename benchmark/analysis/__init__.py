"""Analysis stage: scales, reliability, human vs AI (linear, binomial and cumulative-link
models), Bradley-Terry with robustness checks, Turing mode, validity, leaderboards, reports.

    from benchmark.analysis import load_ratings, analyze_ratings, write_report
    report = analyze_ratings(load_ratings("ratings.csv"))
    write_report(report, "out/")                  # report.json, report.md, report.html

    from benchmark.analysis import build_leaderboard, write_leaderboard
    write_leaderboard(build_leaderboard(scores_df), "results/leaderboard")
"""

from benchmark.analysis.binary import binary_reliability, fleiss, pass_rates
from benchmark.analysis.effects import adjust_pvalues, effect_sizes, permutation_p, top_k_comparison
from benchmark.analysis.glmm import GLMMFit, fit_binomial_crossed
from benchmark.analysis.human_vs_ai import compare_human_ai, source_means
from benchmark.analysis.leaderboard import build_leaderboard, load_results, write_leaderboard
from benchmark.analysis.loaders import StudyData, detect_mode, load_ratings, load_study
from benchmark.analysis.mixed import MixedFit, fit_crossed, icc_from_components
from benchmark.analysis.ordinal import fit_cumulative_logit
from benchmark.analysis.pairwise import BTResult, battles_to_outcomes, bradley_terry, fit_bt, ranks_from_ci
from benchmark.analysis.reliability import (
    ExclusionRules, apply_exclusions, dimension_reliability, krippendorff_alpha, rater_table, shrout_fleiss_icc,
)
from benchmark.analysis.render import markdown_to_html
from benchmark.analysis.report import Report, analyze_ratings, write_report
from benchmark.analysis.robustness import drop_k, rank_sets, robustness
from benchmark.analysis.scales import Scale, infer_scale, parse_scale, parse_scale_options, resolve_scales
from benchmark.analysis.style import style_controlled
from benchmark.analysis.summary import overall_by_source, plain_summary, source_dimension_table
from benchmark.analysis.turing import analyze_guesses, sdt
from benchmark.analysis.validity import validity_table

__all__ = [
    "BTResult", "ExclusionRules", "GLMMFit", "MixedFit", "Report", "Scale", "StudyData", "adjust_pvalues",
    "analyze_guesses", "analyze_ratings", "apply_exclusions", "battles_to_outcomes", "binary_reliability",
    "bradley_terry", "build_leaderboard", "compare_human_ai", "detect_mode", "dimension_reliability", "drop_k",
    "effect_sizes", "fit_binomial_crossed", "fit_bt", "fit_crossed", "fit_cumulative_logit", "fleiss",
    "icc_from_components", "infer_scale", "krippendorff_alpha", "load_ratings", "load_results", "load_study",
    "markdown_to_html", "overall_by_source", "parse_scale", "parse_scale_options", "pass_rates", "permutation_p",
    "plain_summary", "rank_sets", "ranks_from_ci", "rater_table", "resolve_scales", "robustness", "sdt",
    "shrout_fleiss_icc", "source_dimension_table", "source_means", "style_controlled", "top_k_comparison",
    "validity_table", "write_leaderboard", "write_report",
]
