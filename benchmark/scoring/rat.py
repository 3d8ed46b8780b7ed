"""Remote Associates Test accuracy: is the answer the item's solution word?

The answer is the first non-empty line of the response, with a leading "Answer:" /
"The answer is" and list numbering removed. It counts as correct when, after lower-casing
and dropping everything but letters (so "ice cream" = "icecream" = "ice-cream"), the
whole line, its first word or its first two words equal the solution up to a regular
plural ("cheeses", "matches", "berries"). Checking only the start of the first line keeps
a model from listing many candidates and being credited for one of them.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from benchmark.scoring.rows import RowScorer, field, nan_with

_PREFIX = re.compile(
    r"^\s*(?:\d+[.)]\s*|[-*\u2022]\s*)?(?:(?:the\s+)?(?:final\s+)?(?:answer|solution|word)(?:\s+word)?\s*(?:is\s*:?|:|=|-)\s*)",
    re.IGNORECASE,
)
_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[-*\u2022])\s*")
_LETTERS = re.compile(r"[^a-z]+")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*")


def squash(text: str) -> str:
    """Lower case, letters only: "Ice-Cream." -> "icecream"."""
    return _LETTERS.sub("", str(text).lower())


def singular_forms(word: str) -> set[str]:
    """The word and its possible singulars under regular English plural rules."""
    forms = {word}
    if len(word) > 3 and word.endswith("ies"):
        forms.add(word[:-3] + "y")
    if len(word) > 3 and word.endswith("es"):
        forms.add(word[:-2])
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
    return forms


def same_word(answer: str, solution: str) -> bool:
    """Equal after squashing, up to a regular plural on either side."""
    a, s = squash(answer), squash(solution)
    if not a or not s:
        return False
    return bool(singular_forms(a) & singular_forms(s))


def parse_answer(text: str) -> str:
    """The answer part of a response: its first non-empty line, prefixes removed."""
    for line in str(text).splitlines():
        line = line.strip().strip("*_`\"'")
        if not line:
            continue
        line = _PREFIX.sub("", line, count=1)
        line = _NUMBERING.sub("", line, count=1)
        return line.strip().strip("*_`\"'").strip()
    return ""


def candidates(answer: str) -> list[str]:
    """What the answer may mean: the whole line, its first word, its first two words."""
    tokens = _TOKEN.findall(answer)
    out = [answer]
    if tokens:
        out.append(tokens[0])
    if len(tokens) >= 2:
        out.append(" ".join(tokens[:2]))
    return list(dict.fromkeys(out))


def is_correct(text: str, solution: str) -> tuple[bool, str]:
    """(correct, the parsed answer); ``solution`` may list alternatives as "a/b"."""
    answer = parse_answer(text)
    solutions = [s for s in str(solution).split("/") if s.strip()]
    return any(same_word(c, s) for c in candidates(answer) for s in solutions), answer


class RemoteAssociates(RowScorer):
    """1.0 when the response's answer is the solution, else 0.0 (NaN when no solution)."""

    name: ClassVar[str] = "rat"
    version = "1.0"

    def score_row(self, row: Any) -> tuple[float, dict[str, Any]]:
        solution = field(row, "solution")
        if solution is None or not str(solution).strip():
            return nan_with("the item has no solution (rat needs a 'solution' column or a suite item)")
        ok, answer = is_correct(field(row, "text", ""), str(solution))
        details: dict[str, Any] = {"answer": answer, "solution": str(solution)}
        if not squash(answer):
            details["flag"] = "no answer word in the response (counted as not solved)"
        return (1.0 if ok else 0.0), details


__all__ = ["RemoteAssociates", "candidates", "is_correct", "parse_answer", "same_word", "singular_forms", "squash"]
