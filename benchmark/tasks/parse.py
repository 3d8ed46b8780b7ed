"""Turning a free-text answer into the list a scorer counts (ideas or words).

Models and people format lists in many ways: numbered ("1." "1)" "(1)"), bulleted
("-" "*" "•"), bold, with a preamble ("Here are 10 uses:"), or all on one line. The
parse keeps every idea the answer gave, in order, and nothing else; removing
duplicates is a scorer's decision, not the parser's.
"""

from __future__ import annotations

import re

_THINK = re.compile(r"<think>.*?(</think>|$)", re.S | re.I)
_BULLET = re.compile(
    r"^\s*(?:[-•·+–—>]\s*|\*\s+|\(?\d{1,3}[.):\]](?!\d)\s*|\(?[a-zA-Z][.)]\s+|#{1,6}\s*|\[\d{1,3}\]\s*)"
)
_LIST_MARK = re.compile(r"^\s*(?:[-*•·+–—]\s|\(?\d{1,3}[.):\]](?!\d)|\[\d{1,3}\])")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_INLINE_NUM = re.compile(r"(?:^|\s)(\d{1,2})[.)]\s+")
_CODE_FENCE = re.compile(r"^\s*```")
_WORD_SPLIT = re.compile(r"\s*[,;/|]\s*")
_ANSWER_IS = re.compile(r"^(?:the\s+)?(?:final\s+)?(?:answer|solution)(?:\s+word)?\s*(?:is\b\s*:?|:|=)\s*", re.I)
_PAREN = re.compile(r"\s*\([^()]*\)")
_EDGE_PUNCT = " \t\"'`“”‘’.,;:!?()[]{}"


def _clean_line(line: str) -> str:
    """Strip bullets/numbering and markdown emphasis from one line."""
    line = line.strip()
    # a bullet can wrap a number: "- 1. doorstop", "* **1.** doorstop"
    for _ in range(3):
        new = _BULLET.sub("", _BOLD.sub(r"\2", line), count=1).strip()
        if new == line:
            break
        line = new
    line = _BOLD.sub(r"\2", line)
    line = _ITALIC.sub(r"\1", line)
    return line.strip().strip("*_").strip()


def _split_inline(line: str) -> list[str]:
    """'1. a 2. b 3. c' on one line -> ['a', 'b', 'c'] (only for a 1, 2, 3 ... run)."""
    hits = list(_INLINE_NUM.finditer(line))
    numbers = [int(m.group(1)) for m in hits]
    if len(hits) < 2 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return [line]
    if line[: hits[0].start()].strip():
        return [line]
    parts = [line[m.end(): (hits[k + 1].start() if k + 1 < len(hits) else len(line))] for k, m in enumerate(hits)]
    return [p.strip() for p in parts]


def _lines(text: str) -> list[tuple[str, bool]]:
    """Non-empty lines, each with whether it carried a list marker (bullet or number)."""
    text = _THINK.sub("", text or "")
    raw = [ln.strip() for ln in text.splitlines() if ln.strip() and not _CODE_FENCE.match(ln)]
    out: list[tuple[str, bool]] = []
    for ln in raw:
        parts = _split_inline(ln)
        if len(parts) > 1:
            out.extend((p, True) for p in parts if p)
        else:
            out.append((ln, bool(_LIST_MARK.match(_BOLD.sub(r"\2", ln)))))
    return out


def _list_body(lines: list[tuple[str, bool]]) -> list[str]:
    """The list without what surrounds it.

    When the answer is a marked list (two or more bulleted or numbered lines), unmarked
    lines before the first and after the last marked line are chat around the list
    ("Sure! Here are some ideas.", "I hope these help!"). Otherwise only a first line
    ending in ':' is dropped ("Here are 10 uses for a brick:").
    """
    marked = [i for i, (_, m) in enumerate(lines) if m]
    if len(marked) >= 2:
        return [ln for ln, _ in lines[marked[0]: marked[-1] + 1]]
    plain = [ln for ln, _ in lines]
    if len(plain) > 1 and not lines[0][1] and _clean_line(plain[0]).rstrip().endswith(":"):
        return plain[1:]
    return plain


def parse_ideas(text: str) -> list[str]:
    items = [_clean_line(ln) for ln in _list_body(_lines(text))]
    return [it for it in items if it and it not in ("-", "*")]


def _clean_word(word: str) -> str:
    word = _clean_line(word)
    for sep in (" - ", " – ", " — ", ": "):  # "cat - a small animal" -> "cat"
        if sep in word:
            word = word.split(sep, 1)[0]
    return word.strip(_EDGE_PUNCT).strip()


def parse_words(text: str) -> list[str]:
    lines = _list_body(_lines(text))
    # asides in brackets are not answers: "fly (firefly, dragonfly)" -> "fly"
    cleaned = [_PAREN.sub(" ", _clean_line(ln)).strip() for ln in lines]
    # in a word list a line ending in ':' is a heading ("The words are:"), never a word
    cleaned = [c for c in cleaned if c and not c.endswith(":")]
    if len(cleaned) == 1:
        return [w for w in _one_line_words(cleaned[0]) if w]
    words: list[str] = []
    for line in cleaned:
        pieces = _WORD_SPLIT.split(line) if _WORD_SPLIT.search(line) else [line]
        words.extend(_clean_word(p) for p in pieces)
    return [w for w in words if w]


def _one_line_words(line: str) -> list[str]:
    """Words from a one-line answer: a declared answer, or a comma/space separated list."""
    declared = _ANSWER_IS.match(line)
    if declared:  # "The answer is "air" and ..." -> the word right after "answer is"
        rest = line[declared.end():].strip()
        return [_clean_word(re.split(r"[\s,;]+", rest, maxsplit=1)[0])] if rest else []
    if ":" in line and not _WORD_SPLIT.search(line.split(":", 1)[0]):
        line = line.split(":", 1)[1]  # "My words: cat, dog" -> "cat, dog"
    pieces = _WORD_SPLIT.split(line) if _WORD_SPLIT.search(line) else line.split()
    return [_clean_word(p) for p in pieces]


def parse_answer(text: str, answer_format: str) -> list[str] | None:
    """``ideas``: one entry per listed idea; ``words``: single words; ``text``: None."""
    if answer_format == "text":
        return None
    if answer_format == "ideas":
        return parse_ideas(text)
    if answer_format == "words":
        return parse_words(text)
    raise ValueError(f"unknown answer_format '{answer_format}' (expected ideas, words or text)")
