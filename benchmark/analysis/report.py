"""One command, every answer: the analysis report (report.json, report.md, report.html).

Why three files: JSON for scripts (every number, the settings, seeds and library
versions), Markdown for reading and diffing, and a self-contained HTML file (plots inline
as base64 PNG) to send to a reviewer. Nothing is written half-way: each file is written to
a temporary name and renamed.
"""

from __future__ import annotations

import json
import math
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.analysis.loaders import StudyData
from benchmark.analysis.reliability import ExclusionRules, apply_exclusions, dimension_reliability
from benchmark.analysis.render import markdown_to_html
from benchmark.analysis.report_md import methods_paragraph, report_markdown
from benchmark.analysis.scales import Scale, resolve_scales
from benchmark.errors import BenchError
from benchmark.tabular import write_text_atomic

STYLE_ROUNDS = 200  # bootstrap rounds of the style-controlled fit (a dense refit per round)


@dataclass
class Report:
    """``data`` is the JSON-able report; ``figures`` maps a name to PNG bytes."""

    data: dict
    figures: dict[str, bytes] = field(default_factory=dict)


def versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for pkg in ("creativity-bench", "numpy", "pandas", "scipy", "statsmodels", "pingouin", "krippendorff", "matplotlib"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _clean(obj):
    """Make numpy/pandas values JSON-safe (NaN -> None)."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, pd.DataFrame):
        return _clean(obj.to_dict(orient="records"))
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return None if not math.isfinite(float(obj)) else float(obj)
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


def _scaled_likert(data: StudyData, rules: ExclusionRules, scale_options: dict[str, Scale] | None, rep: dict,
                   figs: dict, *, n_boot: int, n_perm: int, seed: int, top_k: int, plots: bool,
                   scores: pd.DataFrame | None) -> None:
    """The likert part of the report: scales, screening, reliability, summaries, human vs AI."""
    from benchmark.analysis import plots as P
    from benchmark.analysis.binary import binary_reliability, pass_rates
    from benchmark.analysis.human_vs_ai import compare_human_ai, source_means
    from benchmark.analysis.summary import overall_binary_models, overall_by_source, source_dimension_table

    likert = data.likert
    scales, scale_notes = resolve_scales(likert, data.scales, scale_options)
    rep["scales"] = {d: s.to_dict() for d, s in scales.items()}
    rep["notes"] += scale_notes
    if "usable" in likert.columns:
        bad = likert[~likert["usable"]]
        rep["screened"] = {"n_ratings": int((~bad["is_check"]).sum()) if "is_check" in bad else len(bad),
                           "raters": sorted(bad["rater_id"].astype(str).unique()), "kept": rules.keep_screened}
        if len(bad):
            rep["notes"].append(
                f"{rep['screened']['n_ratings']} rating(s) of {len(rep['screened']['raters'])} rater(s) screened out by "
                f"the study's attention checks are marked not usable: "
                + ("kept (--keep-screened)" if rules.keep_screened else "left out of every analysis (--keep-screened keeps them)"))
    kept, raters, excluded = apply_exclusions(likert, rules)
    if kept.empty:
        raise BenchError("every rater was excluded by the exclusion rules", where=data.origin,
                         fix="relax --exclude-failed-checks / --min-rt / --min-loo-r, or pass --keep-screened")
    rep["raters"] = raters
    rep["excluded"] = excluded
    rel, rel_rows = [], []
    for dim, dd in kept.groupby("dimension", sort=True):
        scale = scales.get(str(dim))
        if scale is not None and scale.kind == "binary":
            r = binary_reliability(dd, str(dim))
            rel.append(r)
            rel_rows.append({"dimension": dim, "fleiss_kappa": r["fleiss_kappa"], "krippendorff_alpha": r["krippendorff_alpha"],
                             "alpha_level": "nominal"})
            continue
        r = dimension_reliability(dd, str(dim), scale.kind if scale else "ordinal")
        rel.append(r.to_dict())
        icc = r.icc.set_index("form")["icc"] if r.icc is not None else pd.Series(dtype=float)
        comp = r.icc_components or {}
        rel_rows.append({"dimension": dim,
                         "icc_single": icc.get("ICC(2,1)", comp.get("ICC_agreement_1", np.nan)),
                         "icc_average": icc.get("ICC(2,k)", comp.get("ICC_agreement_k", np.nan)),
                         "krippendorff_alpha": r.krippendorff_alpha, "alpha_level": r.alpha_level})
    rep["reliability"] = rel
    rep["means"] = source_means(kept)
    rep["source_dimension"] = source_dimension_table(kept, scales, n_boot=n_boot, seed=seed)
    overall, unit = overall_by_source(kept, scales, n_boot=n_boot, seed=seed)
    rep["overall"], rep["overall_unit"] = overall, unit
    binary_dims = [d for d, s in scales.items() if s.kind == "binary"]
    if binary_dims:
        rep["pass_rates"] = pass_rates(kept[kept["dimension"].isin(binary_dims)], ["source", "dimension"],
                                       n_boot=n_boot, seed=seed)
        models, notes = overall_binary_models(kept, scales)
        rep["overall_models"] = models
        rep["notes"] += notes
    if data.reference.get("published_means"):
        rep["published"] = _published_check(data.reference)
        rep["citation"] = data.reference.get("citation")
        if "published_rater_r" in data.reference:
            rep["published_rater_r"] = data.reference["published_rater_r"]
    comp, notes = compare_human_ai(kept, n_boot=n_boot, n_perm=n_perm, seed=seed, top_k=top_k, scales=scales)
    rep["comparisons"] = comp
    rep["notes"] += notes
    if plots:
        graded = kept[~kept["dimension"].isin(binary_dims)]
        if len(graded):
            figs["distributions"] = P.distributions(graded)
        if binary_dims:
            figs["pass_rates"] = P.pass_rates(pd.DataFrame(rep["pass_rates"]))
        figs["reliability"] = P.reliability(pd.DataFrame(rel_rows))
        if len(comp):
            lin = comp[comp["scale"] != "binary"]
            if len(lin):
                figs["forest"] = P.forest(lin)
            if (comp["scale"] == "binary").any() and comp["odds_ratio"].notna().any():
                figs["forest_odds"] = P.forest_odds(comp[comp["scale"] == "binary"])
    if scores is not None:
        from benchmark.analysis.validity import validity_table

        rep["validity"] = validity_table(scores, kept)
    if data.reference.get("validity_pending"):
        rep["validity_pending"] = data.reference["validity_pending"]


def _pairwise(battles: pd.DataFrame, rep: dict, figs: dict, *, n_boot: int, seed: int, both_bad: str,
              plots: bool, progress: bool, max_ci_width: float, keep_screened: bool) -> None:
    from benchmark.analysis import plots as P
    from benchmark.analysis.pairwise import bradley_terry
    from benchmark.analysis.robustness import robustness
    from benchmark.analysis.style import style_controlled

    if "usable" in battles.columns and not keep_screened:
        bad = battles[~battles["usable"]]
        if len(bad):
            rep["notes"].append(f"{len(bad)} battle(s) of {bad['rater_id'].nunique()} rater(s) screened out by the "
                                "study's attention checks are left out (--keep-screened keeps them)")
        battles = battles[battles["usable"]]
    bt = {}
    for dim, b in battles.groupby("dimension", sort=True):
        res = bradley_terry(b, n_bootstrap=n_boot, seed=seed, both_bad=both_bad, progress=progress,
                            max_ci_width=max_ci_width)
        d = res.to_dict()
        rob = robustness(res)
        sets = {r["source"]: r for r in rob.get("rank_sets", [])}
        style = style_controlled(b, both_bad=both_bad, n_bootstrap=min(n_boot, STYLE_ROUNDS), seed=seed)
        ctl = {r["source"]: r for r in style.get("ratings", [])}
        for r in d["ratings"]:
            s = sets.get(r["source"], {})
            r["rank_low"], r["rank_high"] = s.get("rank_low"), s.get("rank_high")
            c = ctl.get(r["source"], {})
            r["elo_controlled"], r["ci_low_controlled"], r["ci_high_controlled"] = (
                c.get("elo_controlled"), c.get("ci_low"), c.get("ci_high"))
            r["rank_controlled"] = c.get("rank_controlled")
        d["robustness"] = rob
        d["style"] = {k: v for k, v in style.items() if k != "ratings"}
        bt[str(dim)] = d
        if plots:
            figs[f"bt_{dim}"] = P.bt_ratings(res.table)
    rep["pairwise"] = bt


def analyze_ratings(
    data: StudyData,
    *,
    scores: pd.DataFrame | None = None,
    rules: ExclusionRules | None = None,
    n_boot: int = 1000,
    n_perm: int = 9999,
    seed: int = 0,
    top_k: int = 10,
    both_bad: str = "tie",
    plots: bool = True,
    progress: bool = True,
    scale_options: dict[str, Scale] | None = None,
    max_ci_width: float = 200.0,
) -> Report:
    """Run every analysis that the data supports and collect the results."""
    from benchmark.analysis import plots as P

    rules = rules or ExclusionRules()
    rep: dict = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "input": data.origin, "modes": data.modes(), "versions": versions(),
        "settings": {"seed": seed, "n_boot": n_boot, "n_perm": n_perm, "top_k": top_k, "both_bad": both_bad,
                     "exclusions": rules.to_dict(), "ci": 0.95, "max_ci_width_elo": max_ci_width,
                     "style_rounds": min(n_boot, STYLE_ROUNDS),
                     "scale_options": {k: v.to_dict() for k, v in (scale_options or {}).items()}},
        "notes": list(data.notes),
    }
    figs: dict[str, bytes] = {}
    if not data.modes():
        raise BenchError("no ratings to analyse", where=data.origin)
    if data.likert is not None:
        _scaled_likert(data, rules, scale_options, rep, figs, n_boot=n_boot, n_perm=n_perm, seed=seed, top_k=top_k,
                       plots=plots, scores=scores)
    if data.battles is not None:
        _pairwise(data.battles, rep, figs, n_boot=n_boot, seed=seed, both_bad=both_bad, plots=plots,
                  progress=progress, max_ci_width=max_ci_width, keep_screened=rules.keep_screened)
    if data.guesses is not None:
        from benchmark.analysis.turing import analyze_guesses

        g = data.guesses
        if "usable" in g.columns and not rules.keep_screened:
            if (~g["usable"]).any():
                rep["notes"].append(f"{int((~g['usable']).sum())} guess(es) of raters screened out by the study's "
                                    "attention checks are left out (--keep-screened keeps them)")
            g = g[g["usable"]]
        t = analyze_guesses(g)
        rep["turing"] = t
        if plots and t.get("per_source"):
            figs["turing"] = P.turing_shares(pd.DataFrame(t["per_source"]))
    rep = _clean(rep)
    from benchmark.analysis.summary import plain_summary

    rep["summary"] = plain_summary(rep)
    rep["methods"] = methods_paragraph(rep)
    return Report(rep, figs)


def _published_check(ref: dict) -> list[dict]:
    """Published means next to the means recomputed from the imported file."""
    rows = []
    for r in ref["published_means"]:
        rows.append({**r, "difference": None if r.get("reproduced") is None else r["reproduced"] - r["published"]})
    return rows


def write_report(report: Report, out_dir: str | Path) -> dict[str, Path]:
    """Write report.json, report.md (+ plots/*.png) and a self-contained report.html."""
    from benchmark.tabular import make_dir

    out = make_dir(out_dir)
    paths: dict[str, Path] = {}
    if report.figures:
        (out / "plots").mkdir(exist_ok=True)
        for name, png in report.figures.items():
            p = out / "plots" / f"{name}.png"
            tmp = p.with_suffix(".png.tmp")
            tmp.write_bytes(png)
            tmp.replace(p)
    md = report_markdown(report.data, list(report.figures))
    paths["json"] = write_text_atomic(out / "report.json", json.dumps(report.data, indent=1, allow_nan=False))
    paths["md"] = write_text_atomic(out / "report.md", md)
    paths["html"] = write_text_atomic(out / "report.html", markdown_to_html(md, images=report.figures))
    return paths
