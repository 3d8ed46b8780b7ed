"""Markdown to one self-contained HTML page (markdown-it-py), images inlined as base64 PNG.

Why a library: the reports carry tables, lists, links, code and images, and their text
comes partly from data (source names, dimension names); markdown-it-py is a CommonMark
parser with GFM tables whose raw-HTML option stays off, so nothing from the data becomes
markup. Images whose file stem names a figure in ``images`` get that PNG as a data URI,
so the HTML file can be mailed alone.
"""

from __future__ import annotations

import base64
import html
from pathlib import PurePosixPath

STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
         "th{background:#f3f3f3}img{max-width:100%}")


def markdown_to_html(md: str, *, title: str = "creativity-bench report", images: dict[str, bytes] | None = None) -> str:
    """Render ``md`` (CommonMark + tables, raw HTML escaped) as a whole HTML document."""
    from markdown_it import MarkdownIt

    images = images or {}
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(md)
    for tok in tokens:
        for child in tok.children or []:
            if child.type == "image":
                stem = PurePosixPath(str(child.attrGet("src") or "")).stem
                if stem in images:
                    child.attrSet("src", "data:image/png;base64," + base64.b64encode(images[stem]).decode())
    body = parser.renderer.render(tokens, parser.options, {})
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}</body></html>\n")
