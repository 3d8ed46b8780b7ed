"""One command, every answer: the analysis report (report.json, report.md, report.html).

Why three files: JSON for scripts (every number, the settings, seeds and library
versions), Markdown for reading and diffing, and a self-contained HTML file (plots inline
as base64 PNG) to send to a reviewer. Nothing is written half-way: each file is written to
a temporary name and renamed.
"""

from __future__ import annotations

import base64
import html
import json
import math
import platform
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.analysis.loaders import StudyData
from benchmark.analysis.reliability import ExclusionRules, apply_exclusions, dimension_reliability
from benchmark.errors import BenchError
from benchmark.tabular import write_text_atomic


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
) -> Report:
    """Run every analysis that the data supports and collect the results."""
    from benchmark.analysis import plots as P

    rules = rules or ExclusionRules()
    rep: dict = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "input": data.origin, "modes": data.modes(), "versions": versions(),
        "settings": {"seed": seed, "n_boot": n_boot, "n_perm": n_perm, "top_k": top_k, "both_bad": both_bad,
                     "exclusions": rules.to_dict(), "ci": 0.95},
        "notes": [],
    }
    figs: dict[str, bytes] = {}
    if not data.modes():
        raise BenchError("no ratings to analyse", where=data.origin)
    if data.likert is not None:
        from benchmark.analysis.human_vs_ai import compare_human_ai, source_means

        kept, raters, excluded = apply_exclusions(data.likert, rules)
        if kept.empty:
            raise BenchError("every rater was excluded by the exclusion rules", where=data.origin,
                             fix="relax --exclude-failed-checks / --min-rt / --min-loo-r")
        rep["raters"] = raters
        rep["excluded"] = excluded
        rel_rows = []
        rel = []
        for dim, dd in kept.groupby("dimension", sort=True):
            r = dimension_reliability(dd, str(dim))
            rel.append(r.to_dict())
            icc = r.icc.set_index("form")["icc"] if r.icc is not None else pd.Series(dtype=float)
            comp = r.icc_components or {}
            rel_rows.append({"dimension": dim,
                             "icc_single": icc.get("ICC(2,1)", comp.get("ICC_agreement_1", np.nan)),
                             "icc_average": icc.get("ICC(2,k)", comp.get("ICC_agreement_k", np.nan)),
                             "krippendorff_ordinal": r.krippendorff_ordinal})
        rep["reliability"] = rel
        rep["means"] = source_means(kept)
        if data.reference.get("published_means"):
            rep["published"] = _published_check(data.reference)
            rep["citation"] = data.reference.get("citation")
            if "published_rater_r" in data.reference:
                rep["published_rater_r"] = data.reference["published_rater_r"]
        comp, notes = compare_human_ai(kept, n_boot=n_boot, n_perm=n_perm, seed=seed, top_k=top_k)
        rep["comparisons"] = comp
        rep["notes"] += notes
        if plots:
            figs["distributions"] = P.distributions(kept)
            figs["reliability"] = P.reliability(pd.DataFrame(rel_rows))
            if len(comp):
                figs["forest"] = P.forest(comp)
        if scores is not None:
            from benchmark.analysis.validity import validity_table

            rep["validity"] = validity_table(scores, kept)
        if data.reference.get("validity_pending"):
            rep["validity_pending"] = data.reference["validity_pending"]
    if data.battles is not None:
        from benchmark.analysis.pairwise import bradley_terry

        bt = {}
        for dim, b in data.battles.groupby("dimension", sort=True):
            res = bradley_terry(b, n_bootstrap=n_boot, seed=seed, both_bad=both_bad, progress=progress)
            bt[str(dim)] = res.to_dict()
            if plots:
                figs[f"bt_{dim}"] = P.bt_ratings(res.table)
        rep["pairwise"] = bt
    if data.guesses is not None:
        from benchmark.analysis.turing import analyze_guesses

        t = analyze_guesses(data.guesses)
        rep["turing"] = t
        if plots and t["per_source"]:
            figs["turing"] = P.turing_shares(pd.DataFrame(t["per_source"]))
    return Report(_clean(rep), figs)


def _published_check(ref: dict) -> list[dict]:
    """Published means next to the means recomputed from the imported file."""
    rows = []
    for r in ref["published_means"]:
        rows.append({**r, "difference": None if r.get("reproduced") is None else r["reproduced"] - r["published"]})
    return rows


# ---------------------------------------------------------------- rendering

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


def _ci(r: dict, lo: str, hi: str) -> str:
    return f"[{_f(r.get(lo), 2)}, {_f(r.get(hi), 2)}]"


def report_markdown(rep: dict, figure_names: list[str]) -> str:
    md = ["# creativity-bench analysis report", "",
          f"Input: {rep['input']}  ", f"Created: {rep['created_at']}; seed {rep['settings']['seed']}; "
          f"{rep['settings']['n_boot']} bootstrap rounds; {rep['settings']['n_perm']} permutations.", ""]
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
        md += _table(rep["raters"], [("rater", "rater_id"), ("ratings", "n_ratings"), ("items", "n_items"),
                                     ("LOO r", "loo_r"), ("checks", "n_checks"), ("failed", "failed_checks"),
                                     ("median s", "median_rt_s"), ("excluded", "excluded")])
        md += ["Excluded raters:", ""] + _table(rep["excluded"], [("rater", "rater_id"), ("reason", "reason")])
    if "reliability" in rep:
        md += ["## Reliability", ""]
        for r in rep["reliability"]:
            md += [f"### {r['dimension']}", "",
                   f"{r['n_items']} items, {r['n_raters']} raters, {_f(r['ratings_per_item'], 2)} ratings per item; "
                   f"Krippendorff's alpha (ordinal) = {_f(r['krippendorff_ordinal'])}; "
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
    if "comparisons" in rep:
        md += ["## Human vs AI", "",
               "Mixed model: value ~ is_ai + (1|rater) + (1|item), REML; estimate = AI minus human in rating points. "
               "Effect sizes with cluster-bootstrap CIs over items; p_perm = permutation test of item means; "
               "Holm and BH adjust across all rows.", ""]
        md += _table([{**r, "est_ci": _ci(r, "ci_low", "ci_high"), "g_ci": _ci(r, "g_ci_low", "g_ci_high"),
                       "d_ci": _ci(r, "delta_ci_low", "delta_ci_high"),
                       "tk": f"{_f(r.get('top_k_diff'), 2)} {_ci(r, 'top_k_diff_ci_low', 'top_k_diff_ci_high')}"}
                      for r in rep["comparisons"]],
                     [("scope", "scope"), ("dimension", "dimension"), ("contrast", "contrast"),
                      ("human", "mean_human"), ("AI", "mean_ai"), ("estimate", "estimate"), ("95% CI", "est_ci"),
                      ("p", "p_model"), ("p Holm", "p_model_holm"), ("g", "hedges_g"), ("g CI", "g_ci"),
                      ("delta", "cliffs_delta"), ("delta CI", "d_ci"), ("p_perm", "p_perm"), ("p_perm BH", "p_perm_bh"),
                      ("top-k AI-human", "tk"), ("model", "model")])
        if "forest" in figure_names:
            md += ["![forest](plots/forest.png)", ""]
    if rep.get("notes"):
        md += ["### Warnings", ""] + [f"- {n}" for n in rep["notes"]] + [""]
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
        md += ["## Pairwise (Bradley-Terry)", ""]
        for dim, bt in rep["pairwise"].items():
            md += [f"### {dim}", "", f"{bt['n_battles']} battles; anchor {bt['anchor']}; both_bad = {bt['both_bad']}.", ""]
            md += _table(bt["ratings"], [("rank", "rank"), ("source", "source"), ("Elo", "elo"), ("CI low", "ci_low"),
                                         ("CI high", "ci_high"), ("battles", "n_battles")])
            md += [f"- {w}" for w in bt["warnings"]] + ([""] if bt["warnings"] else [])
            if f"bt_{dim}" in figure_names:
                md += [f"![bt_{dim}](plots/bt_{dim}.png)", ""]
    if "turing" in rep:
        t = rep["turing"]
        a = t["accuracy"]
        s = t["sdt_pooled"]
        md += ["## Turing mode", "",
               f"Accuracy {_f(a['share'])} [{_f(a['ci_low'])}, {_f(a['ci_high'])}] over {a['n']} guesses "
               f"(binomial test vs 0.5: p = {_f(a['p_vs_chance'])}); d' = {_f(s['d_prime'])}, c = {_f(s['criterion'])} "
               f"({t['signal']}; {t['correction']} correction); Krippendorff's alpha (nominal) = {_f(t['krippendorff_nominal'])}.", ""]
        md += _table(t["per_source"], [("source", "source"), ("judged human", "judged_human"), ("CI low", "ci_low"),
                                       ("CI high", "ci_high"), ("n", "n")])
        if "turing" in figure_names:
            md += ["![turing](plots/turing.png)", ""]
    md += ["## Versions", "", ", ".join(f"{k} {v}" for k, v in rep["versions"].items()), ""]
    return "\n".join(md)


_IMG = re.compile(r"!\[([^\]]*)\]\(([^)]+)\)")


def _inline(text: str) -> str:
    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", t)


def markdown_to_html(md: str, *, title: str = "creativity-bench report", images: dict[str, bytes] | None = None) -> str:
    """Render the small Markdown subset these reports use (headings, pipe tables, lists,
    images, paragraphs); images found in ``images`` are inlined as base64 PNG."""
    images = images or {}
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
           "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
           "table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
           "th{background:#f3f3f3}img{max-width:100%}</style></head><body>"]
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{_inline(line[level:].strip())}</h{level}>")
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            out.append("<table><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in rows[0]) + "</tr>")
            for r in rows[2:]:
                out.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>")
            out.append("</table>")
            continue
        elif line.startswith("- "):
            out.append("<ul>")
            while i < len(lines) and lines[i].startswith("- "):
                out.append(f"<li>{_inline(lines[i][2:])}</li>")
                i += 1
            out.append("</ul>")
            continue
        elif _IMG.fullmatch(line.strip()):
            alt, src = _IMG.fullmatch(line.strip()).groups()
            name = Path(src).stem
            if name in images:
                src = "data:image/png;base64," + base64.b64encode(images[name]).decode()
            out.append(f"<p><img alt='{html.escape(alt)}' src='{src}'></p>")
        elif line.strip():
            out.append(f"<p>{_inline(line)}</p>")
        i += 1
    out.append("</body></html>")
    return "\n".join(out)


def write_report(report: Report, out_dir: str | Path) -> dict[str, Path]:
    """Write report.json, report.md (+ plots/*.png) and a self-contained report.html."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
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
