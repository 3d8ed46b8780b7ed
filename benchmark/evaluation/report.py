"""The evaluation report: where the model stands among people, task by task.

``report.json`` (machine-readable), ``report.md`` and a self-contained ``report.html``
(the plot inline as base64 PNG). The plot shows, per task with a human norm, the human
distribution as a cumulative curve (score -> percentile of people) with the model's
typical (median) answer and its CI marked on it, so "beats 64% of people" can be read
off directly: the same percentile as the summary table and the leaderboard.
"""

from __future__ import annotations

import base64
import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark.evaluation.summary import fmt as _fmt
from benchmark.evaluation.summary import percentile_text, score_text
from benchmark.tabular import write_text_atomic


def _text(v: Any) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def norm_plot_png(summary: pd.DataFrame) -> bytes | None:
    """Cumulative human curves with the model's mean [CI]; None when no task has a norm."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from benchmark.scoring.norms import GRID, load_norms

    rows = summary[summary["norm_id"].notna() & summary["human_percentile"].notna()]
    if rows.empty:
        return None
    index = load_norms()
    ncol = min(3, len(rows))
    nrow = math.ceil(len(rows) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.2 * nrow), squeeze=False)
    for ax, (_, r) in zip(axes.flat, rows.iterrows()):
        entry = next(e for es in index.entries.values() for e in es if e.norm_id == r["norm_id"])
        q = np.asarray(entry.task.quantiles, dtype=float)
        ax.plot(q, GRID, color="#4c72b0", lw=2, label=f"people (n={entry.task.n})")
        if not (math.isnan(r["typical_low"]) or math.isnan(r["typical_high"])):
            ax.axvspan(r["typical_low"], r["typical_high"], color="#dd8452", alpha=0.25, lw=0)
        ax.axvline(r["typical"], color="#dd8452", lw=2,
                   label=f"{r['source']} typical answer: {_fmt(r['human_percentile'], '.0f')}th %ile")
        ax.set_title(f"{r['task_id']} ({r['scorer']})", fontsize=10)
        ax.set_xlabel("score")
        ax.set_ylabel("% of people scoring lower")
        ax.set_ylim(0, 100)
        ax.legend(fontsize=7, loc="lower right")
    for ax in list(axes.flat)[len(rows):]:
        ax.axis("off")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def summary_markdown(summary: pd.DataFrame) -> list[str]:
    lines = [
        "| task | scorer | n | score [95% CI] over | human median | human %ile of typical answer [95% CI] | human data |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for _, r in summary.iterrows():
        lines.append(f"| {r['task_id']} | {r['scorer']} | {r['n']} | {score_text(r)} | {_fmt(r['human_median'])} "
                     f"| {percentile_text(r)} | {_text(r['human_data'])} |")
    return lines


def write_evaluation_report(result: Any, *, model: str, suite: str) -> dict[str, Path]:
    """Write report.json, report.md, report.html (and the plot as PNG) into the output folder."""
    from benchmark.analysis.report import markdown_to_html
    from benchmark.evaluation.next_steps import next_steps_markdown

    out: Path = result.out_dir
    manifest_path = result.run_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    png = norm_plot_png(result.summary)
    files: dict[str, Path] = {}
    if png is not None:
        (out / "norms_plot.png").write_bytes(png)
        files["norms_plot.png"] = out / "norms_plot.png"
    rs = result.run_summary
    doc = {
        "model": model, "suite": suite, "run_id": rs.run_id, "run_dir": str(result.run_dir),
        "responses": result.totals,
        "timings_s": {k: round(v, 2) for k, v in result.timings.items()},
        "summary": json.loads(result.summary.to_json(orient="records")),
        "leaderboard_rows": int(len(result.leaderboard)),
        "manifest": {k: manifest.get(k) for k in ("seed", "seed_scheme", "git", "python", "packages", "tasks", "created_at", "ended_at") if k in manifest},
    }
    files["report.json"] = write_text_atomic(out / "report.json", json.dumps(doc, indent=1, default=str))
    md = [
        f"# {model} on the `{suite}` suite",
        "",
        f"Run `{rs.run_id}`: {result.totals['ok']} responses ({result.totals['errors']} errors), {result.totals['tokens']} tokens; "
        f"git commit {(manifest.get('git') or {}).get('commit', 'unknown')}; seed {manifest.get('seed', 'unknown')}; "
        f"manifest: `{result.run_dir.name}/manifest.json`.",
        "",
        "## Against people",
        "",
        "Each task is summarised by one scorer (validated against human ratings where one exists). "
        "Score: the mean with a 95% bootstrap CI over items, or over responses where the task has one prompt. "
        "The human percentile is the share of people's answers (same task, same scorer and embeddings) that the "
        "model's typical (median) answer beats, ties counting half; 50 is the median person. Remote Associates: "
        "solved k of n, against people's solve rate on the same items where there is one.",
        "",
        *summary_markdown(result.summary),
        "",
    ]
    if png is not None:
        md += ["![model vs human norms](norms_plot.png)", ""]
    md += ["All scorers, per task: see [leaderboard.md](leaderboard.md).", "", *next_steps_markdown(model, suite)]
    text = "\n".join(md)
    files["report.md"] = write_text_atomic(out / "report.md", text + "\n")
    html_md = text
    if png is not None:
        html_md = html_md.replace("(norms_plot.png)", "(data:image/png;base64," + base64.b64encode(png).decode() + ")")
    files["report.html"] = write_text_atomic(out / "report.html", markdown_to_html(html_md, title=f"{model} on {suite}"))
    return files
