"""Blinding: make every response look alike and catch the ones that name their author.

Why: raters who can tell a model from a person by its bullet style, its bold headings or
an "As an AI language model" preamble are no longer rating blind. Formatting is reduced
to one plain layout (numbered lines for lists, single blank lines, no markdown emphasis or
headings) and responses that reveal their source are flagged so a study leaves them out
by default. Opaque ids are random tokens drawn from the study's seeded generator.
"""

from __future__ import annotations

import random
import re

# Markers that give a source away. Checked case-insensitively on word boundaries.
REVEALING_PATTERNS: list[tuple[str, str]] = [
    (r"\bas an ai\b", "says it is an AI"),
    (r"\bi(?:'m| am) (?:an? )?(?:ai|artificial intelligence|language model|chatbot|assistant)\b", "says it is an AI"),
    (r"\b(?:large )?language model\b", "mentions a language model"),
    (r"\bAI (?:assistant|model)\b", "mentions an AI assistant"),
    (r"\bchat ?gpt\b", "names a model"),
    (r"\bgpt-?\d*\w*\b", "names a model"),
    (r"\bopenai\b", "names a model maker"),
    (r"\banthropic\b", "names a model maker"),
    (r"\bclaude\b", "names a model"),
    (r"\bllama[- ]?(?:\d|cpp\b|\.cpp\b)", "names a model"),  # not the animal
    (r"\bsmol ?lm\d*\b", "names a model"),
    (r"\bgemini\b", "names a model"),
    (r"\bmistral\b", "names a model"),
    (r"\bqwen\d*\b", "names a model"),
    (r"\bhugging ?face\b", "names a model maker"),
    (r"\bmy training data\b", "mentions training data"),
    (r"\bknowledge cutoff\b", "mentions a knowledge cutoff"),
    (r"^\s*(?:sure|certainly|of course|absolutely)[!,.]?\s+(?:here(?:'s| is| are)|i(?:'d| would| can))", "assistant preamble"),
    (r"\bi hope (?:this|these) helps?\b", "assistant phrase"),
    (r"\b(?:let me know|feel free to ask) if you (?:need|want|would like|have)\b", "assistant phrase"),
    (r"\bi can(?:not|'t) (?:assist|help) with\b", "assistant refusal"),
]
_COMPILED = [(re.compile(p, re.IGNORECASE | re.MULTILINE), why) for p, why in REVEALING_PATTERNS]

_LIST_MARKER = re.compile(r"^\s*(?:[-*+\u2022\u2023\u25e6\u2043\u2219]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_EMPHASIS = [
    (re.compile(r"\*\*(.+?)\*\*", re.DOTALL), r"\1"),
    (re.compile(r"__(.+?)__", re.DOTALL), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
]
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")


def reveals_source(text: str, source: str | None = None) -> str | None:
    """Why ``text`` gives its author away, or None. Also catches the source's own model name."""
    for pattern, why in _COMPILED:
        if pattern.search(text or ""):
            return why
    if source and "/" in source and not source.startswith("human/"):
        name = source.rsplit("/", 1)[-1]
        stem = re.split(r"[-_:.]", name)[0]
        if len(stem) >= 4 and re.search(rf"\b{re.escape(stem)}\b", text or "", re.IGNORECASE):
            return "names a model"
    return None


def normalise_text(text: str) -> str:
    """One plain layout for every response: lists numbered 1., 2., ...; no markdown styling.

    Links, images and HTML are left as written: they are part of what was said, and the
    app shows every response as inert plain text.
    """
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n")
    parts: list[tuple[bool, str]] = []  # (is list item, content); ("", False) is a blank line
    for raw in lines:
        line = raw.strip()
        if line and _RULE.match(line):
            continue
        line = _HEADING.sub("", line)
        for pattern, repl in _EMPHASIS:
            line = pattern.sub(repl, line)
        line = re.sub(r"[ \u00a0]{2,}", " ", line).strip()
        if not line:
            if parts and parts[-1][1] != "":
                parts.append((False, ""))
            continue
        if _LIST_MARKER.match(line):
            parts.append((True, _LIST_MARKER.sub("", line, count=1).strip()))
        else:
            parts.append((False, line))
    # Blank lines between list items are a layout habit of some sources: drop them.
    kept = [
        p for i, p in enumerate(parts)
        if p[1] != "" or not (0 < i < len(parts) - 1 and parts[i - 1][0] and parts[i + 1][0])
    ]
    out: list[str] = []
    n = 0
    for is_item, content in kept:
        n = n + 1 if is_item else 0
        out.append(f"{n}. {content}" if is_item else content)
    return "\n".join(out).strip()


def opaque_ids(n: int, rng: random.Random, prefix: str) -> list[str]:
    """``n`` distinct random ids such as ``i-3f9c2a71d0``: they say nothing about order or source."""
    ids: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        token = f"{prefix}-{rng.getrandbits(48):012x}"
        if token not in ids:
            ids.add(token)
            out.append(token)
    return out
