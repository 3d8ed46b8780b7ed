"""The leaderboard as Markdown and as a self-contained HTML page (Jinja2 templates).

Why Jinja2 with autoescape: source names, notes and reasons come from data; escaping them
is the template engine's job, not string concatenation's. The HTML page is the project
website's leaderboard: the heatmap and per-task plots inline (base64), every table
sortable by clicking a header (a small inline script), no external resource.
"""

from __future__ import annotations

import base64
from typing import Any

import jinja2

from benchmark.leaderboard import catalog
from benchmark.leaderboard.build import PERCENTILE_DEFINITION, Leaderboard
from benchmark.leaderboard.text import detail_view, matrix_view, references

CI_NOTE = ("Score CIs are 95% percentile bootstraps over items where a task has several prompts and over responses "
           "where it has one (the published writing prompts, the DAT); the CI over column says which. Ranks come from "
           "the CIs: a source ranks below another only when their CIs do not overlap, so \"=2\" marks a tie.")
RAT_NOTE = ("Remote Associates: \"solved k of n\" against people's solve rate on the same items (Bowden & Jung-Beeman "
            "2003), never a percentile of a 0/1 score.")

MD = """# creativity-bench leaderboard

People and models side by side, task by task: {{ sources|length }} sources ({{ n_human }} human pools), {{ tasks|length }} tasks.

![Sources x tasks: human percentile of the typical answer](heatmap.png)

## Sources x tasks

{{ table(matrix) }}

{{ definition }} Each column uses one scorer: {{ primaries }}. {{ rat_note }} {{ ci_note }}

## Sources

{{ table(sources_table) }}
{% for t in task_sections %}

## {{ t.label }} (`{{ t.id }}`)
{% if t.plot %}

![{{ t.label }}]({{ t.plot }})
{% endif %}
{% for s in t.scorers %}

### {{ s.label }} (`{{ s.name }}`): {{ s.better }} is better

{{ s.what }}. Human reference: {{ s.reference }}.

{{ table(s.table) }}
{% endfor %}
{% endfor %}
"""

HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>creativity-bench leaderboard</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.88em}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"} th[aria-sort=descending]::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.why{color:#666;font-size:.92em}
.wrap{overflow-x:auto} img{max-width:100%} .note{color:#444;font-size:.92em;max-width:60em}
nav a{margin-right:.8em}
</style></head><body>
<h1>creativity-bench leaderboard</h1>
<p>People and models side by side, task by task: {{ sources|length }} sources ({{ n_human }} human pools), {{ tasks|length }} tasks.</p>
<nav>{% for t in task_sections %}<a href="#task-{{ t.id }}">{{ t.label }}</a>{% endfor %}</nav>
<h2 id="matrix">Sources &times; tasks</h2>
<img alt="Sources x tasks heatmap" src="data:image/png;base64,{{ heatmap }}">
<div class="wrap"><table class="sortable" id="matrix-table"><thead><tr><th>Source</th>{% for t in tasks %}<th>{{ label(t) }}</th>{% endfor %}</tr></thead><tbody>
{% for row in matrix_rows %}<tr><td>{{ row.label }}</td>{% for c in row.cells %}<td class="{{ c.cls }}" data-sort="{{ c.sort }}" style="{{ c.style }}">{{ c.text }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>
<p class="note">{{ definition }} Each column uses one scorer: {{ primaries }}. {{ rat_note }} {{ ci_note }}</p>
<h2 id="sources">Sources</h2>
{{ html_table(sources_table) }}
{% for t in task_sections %}
<h2 id="task-{{ t.id }}">{{ t.label }} (<code>{{ t.id }}</code>)</h2>
{% if t.png %}<img alt="{{ t.label }}: human percentile per source" src="data:image/png;base64,{{ t.png }}">{% endif %}
{% for s in t.scorers %}
<h3>{{ s.label }} (<code>{{ s.name }}</code>): {{ s.better }} is better</h3>
<p class="note">{{ s.what }}. Human reference: {{ s.reference }}.</p>
{{ html_table(s.table) }}
{% endfor %}{% endfor %}
<script>
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      function key(r) { var c = r.cells[col], s = c.getAttribute("data-sort"); var v = s !== null && s !== "" ? s : c.textContent.trim();
        var f = parseFloat(String(v).replace(/^=/, "")); return isNaN(f) ? [1, String(v)] : [0, f]; }
      rows.sort(function (a, b) { var x = key(a), y = key(b);
        if (x[0] !== y[0]) return x[0] - y[0];
        return (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) * (asc ? 1 : -1); });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
</script>
</body></html>
"""


def _md_cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _md_table(df: Any) -> str:
    head = "| " + " | ".join(_md_cell(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


_HTML_TABLE = jinja2.Environment(autoescape=True).from_string(
    '<div class="wrap"><table class="sortable"><thead><tr>{% for c in df.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>'
    "<tbody>{% for row in df.itertuples(index=False) %}<tr>{% for v in row %}<td{% if v is number %} class=\"num\"{% endif %}>"
    "{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody></table></div>")


def _html_table(df: Any) -> Any:
    import markupsafe

    return markupsafe.Markup(_HTML_TABLE.render(df=df))


def _colour(pct: float) -> str:
    """The heatmap's diverging colour for a percentile (RdBu, 50 = white)."""
    import matplotlib

    from matplotlib.colors import TwoSlopeNorm

    rgba = matplotlib.colormaps["RdBu"](TwoSlopeNorm(vmin=0, vcenter=50, vmax=100)(pct))
    r, g, b = (int(round(255 * x)) for x in rgba[:3])
    fg = "#fff" if abs(pct - 50) > 32 else "#000"
    return f"background:#{r:02x}{g:02x}{b:02x};color:{fg}"


def sources_table(board: Leaderboard) -> Any:
    import pandas as pd

    prov = {p["source"]: p for p in board.provenance if "source" in p}
    rows = []
    for s in board.sources:
        p = prov.get(s, {})
        rows.append({"Source": catalog.source_label(s), "Id": s, "Kind": "people" if s.startswith("human/") else "model",
                     "Answers": p.get("what", "-"), "Data": p.get("data", "-")})
    return pd.DataFrame(rows)


def _sections(board: Leaderboard, pngs: dict[str, bytes], inline: bool) -> list[dict[str, Any]]:
    out = []
    for t in board.tasks:
        d = board.detail[board.detail["task_id"] == t]
        scorers = []
        for name in d["scorer"].unique():
            g = d[d["scorer"] == name].sort_values(["rank", "source"], na_position="last")
            info = catalog.scorer_info(name)
            scorers.append({"name": name, "label": info.label, "better": info.better, "what": info.what,
                            "reference": references(g), "table": detail_view(g)})
        png = pngs.get(t)
        out.append({"id": t, "label": catalog.task_label(t), "scorers": scorers,
                    "plot": f"plots/{t}.png" if png else None,
                    "png": base64.b64encode(png).decode() if png and inline else None})
    return out


def _context(board: Leaderboard, pngs: dict[str, bytes], inline: bool) -> dict[str, Any]:
    prim = board.matrix.drop_duplicates("task_id")
    primaries = "; ".join(f"{catalog.task_label(r.task_id)}: {r.scorer}" for r in prim.itertuples() if r.scorer)
    return {"sources": board.sources, "tasks": board.tasks, "n_human": sum(s.startswith("human/") for s in board.sources),
            "definition": PERCENTILE_DEFINITION, "primaries": primaries, "rat_note": RAT_NOTE, "ci_note": CI_NOTE,
            "task_sections": _sections(board, pngs, inline), "sources_table": sources_table(board)}


def leaderboard_markdown(board: Leaderboard, pngs: dict[str, bytes]) -> str:
    env = jinja2.Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    ctx = _context(board, pngs, inline=False)
    ctx["matrix"] = matrix_view(board.matrix, board.tasks)
    return env.from_string(MD).render(table=_md_table, **ctx)


def leaderboard_html(board: Leaderboard, heatmap: bytes, pngs: dict[str, bytes]) -> str:
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    ctx = _context(board, pngs, inline=True)
    rows = []
    for src in board.sources:
        g = board.matrix[board.matrix["source"] == src].set_index("task_id")
        cells = []
        for t in board.tasks:
            c = g.loc[t]
            if c["kind"] == "percentile":
                cells.append({"text": c["cell"], "sort": f"{c['human_pct']:.3f}", "cls": "num", "style": _colour(c["human_pct"])})
            else:
                cells.append({"text": c["cell"], "sort": "", "cls": "why", "style": ""})
        rows.append({"label": catalog.source_label(src), "cells": cells})
    return env.from_string(HTML).render(heatmap=base64.b64encode(heatmap).decode(), matrix_rows=rows,
                                        label=catalog.task_label, html_table=_html_table, **ctx)




def front_page_table(board: Leaderboard) -> str:
    """The README's matrix: every source, the tasks where some source has a figure (the
    others are in leaderboard.md), cells shortened and explained in a legend below."""
    import pandas as pd

    from benchmark.leaderboard.build import OTHER_PROMPTS

    m = board.matrix
    shown = [t for t in board.tasks if m.loc[(m["task_id"] == t), "kind"].isin(["percentile", "solved"]).any()
             and (m.loc[m["task_id"] == t, "cell"] != "no published answers").sum() > 1]
    people = sorted({c.split("; ", 1)[1] for c in m.loc[m["kind"] == "solved", "cell"]})

    def short(c: pd.Series) -> str:
        if c["cell"] == "no published answers":
            return "–"
        if c["kind"] == "solved":
            return f"solved {c['score']}"
        if c["reason"] == OTHER_PROMPTS:
            return f"other prompts (score {c['score']})"
        return str(c["cell"])

    rows = []
    for src in board.sources:
        g = m[m["source"] == src].set_index("task_id")
        rows.append({"Source": catalog.source_label(src), **{catalog.task_label(t): short(g.loc[t]) for t in shown}})
    legend = ["– : no published answers for this task. \"other prompts\": the people in the table wrote to the "
              "published prompts, this source answered the suite's own items, so there is no human percentile."]
    if people:
        legend[-1] += f" Remote Associates: {'; '.join(people)}."
    return _md_table(pd.DataFrame(rows)) + "\n\n" + "\n".join(legend)


__all__ = ["CI_NOTE", "RAT_NOTE", "front_page_table", "leaderboard_html", "leaderboard_markdown", "sources_table"]
