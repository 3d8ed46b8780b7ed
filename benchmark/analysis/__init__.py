"""Analysis stage: reliability, human vs AI, Bradley-Terry, Turing mode, validity,
leaderboards and reports.

    from benchmark.analysis import load_ratings, analyze_ratings, write_report
    report = analyze_ratings(load_ratings("ratings.csv"))
    write_report(report, "out/")                  # report.json, report.md, report.html

    from benchmark.analysis import build_leaderboard, write_leaderboard
    write_leaderboard(build_leaderboard(scores_df), "results/leaderboard")
"""

from benchmark.analysis.effects import adjust_pvalues, effect_sizes, permutation_p, top_k_comparison
from benchmark.analysis.human_vs_ai import compare_human_ai, source_means
from benchmark.analysis.leaderboard import build_leaderboard, load_results, write_leaderboard
from benchmark.analysis.loaders import StudyData, detect_mode, load_ratings, load_study
from benchmark.analysis.mixed import MixedFit, fit_crossed, icc_from_components
from benchmark.analysis.pairwise import BTResult, battles_to_outcomes, bradley_terry, fit_bt, ranks_from_ci
from benchmark.analysis.reliability import (
    ExclusionRules, apply_exclusions, dimension_reliability, krippendorff_alpha, rater_table, shrout_fleiss_icc,
)
from benchmark.analysis.report import Report, analyze_ratings, write_report
from benchmark.analysis.turing import analyze_guesses, sdt
from benchmark.analysis.validity import validity_table

__all__ = [
    "BTResult", "ExclusionRules", "MixedFit", "Report", "StudyData", "adjust_pvalues", "analyze_guesses",
    "analyze_ratings", "apply_exclusions", "battles_to_outcomes", "bradley_terry", "build_leaderboard",
    "compare_human_ai", "detect_mode", "dimension_reliability", "effect_sizes", "fit_bt", "fit_crossed",
    "icc_from_components", "krippendorff_alpha", "load_ratings", "load_results", "load_study", "permutation_p",
    "ranks_from_ci", "rater_table", "sdt", "shrout_fleiss_icc", "source_means", "top_k_comparison",
    "validity_table", "write_leaderboard", "write_report",
]
