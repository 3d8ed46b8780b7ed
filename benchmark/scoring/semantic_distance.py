"""Semantic distance between the stimulus and a response (SemDis, Beaty & Johnson 2021).

Why: the classic automatic originality proxy. A use for a brick that lies far from
"brick" in embedding space tends to be rated as more original. Two embeddings:

* ``semdis_minilm``: 1 - cosine between MiniLM sentence embeddings of the item
  (object, scenario) and the response;
* ``semdis_glove``: GloVe word vectors (6B 50d by default, any GloVe/word2vec file by
  ``vectors=PATH``), stop words removed, composed over words additively (sum) or
  multiplicatively (element-wise product), as the SemDis paper does; ``details`` always
  carries both compositions, ``value`` is the one chosen with ``composition=``.

A response with ``ideas`` (a parsed list) gets the mean distance over its ideas, the
per-idea values in ``details``. Empty, garbage or non-English text, and text whose words
are all unknown to the vectors, get NaN with the ``reason``: never a silent zero.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Iterable, Sequence

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.scoring.base import score_frame
from benchmark.scoring.embeddings import MINILM_NAME, WordVectors, load_word_vectors, sentence_encoder
from benchmark.scoring.rows import mean_over_ideas
from benchmark.scoring.text_features import TextMemo, optional_str_bytes, optional_str_value

# letters (any script) with inner apostrophes, or digit runs
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
COMPOSITIONS = ("additive", "multiplicative")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop-word list (318 words), the usual choice for SemDis.

    Read from the shipped ``stop_words.txt`` (provenance in its header) rather than by
    importing scikit-learn, which costs a fresh re-score a quarter of its time."""
    text = (Path(__file__).with_name("stop_words.txt")).read_text(encoding="utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


@lru_cache(maxsize=1)
def _english_freq() -> dict[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict("en", wordlist="best")


def zipf(word: str) -> float:
    """Zipf frequency of an English word (0 when unknown); one dict lookup, no tokenizer."""
    f = _english_freq().get(word.lower(), 0.0)
    return math.log10(f * 1e9) if f > 0 else 0.0


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Words minus stop words and bare numbers (SemDis removes stop words before composing)."""
    sw = stop_words()
    return [w for w in words(text) if w not in sw and not w.isdigit()]


_OTHER_LANGS = ("fr", "de", "es", "it", "pt", "nl")
_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")


@lru_cache(maxsize=1)
def _other_freqs() -> dict[str, dict[str, float]]:
    import wordfreq

    return {lang: wordfreq.get_frequency_dict(lang, wordlist="small") for lang in _OTHER_LANGS}


def _zipf_in(freqs: dict[str, float], word: str) -> float:
    f = freqs.get(word, 0.0)
    return math.log10(f * 1e9) if f > 0 else 0.0


def _is_english_word(w: str) -> bool:
    """Known to wordfreq, or a compound of two common words ("doorstopper", "stepstool")."""
    if zipf(w) >= 1.0:
        return True
    return any(zipf(w[:i]) >= 3.0 and zipf(w[i:]) >= 3.0 for i in range(2, len(w) - 1))


def _is_gibberish(w: str) -> bool:
    """Keyboard mash rather than a typo: no vowel, 5+ consonants in a row, or a 4-fold letter."""
    if not any(c in _VOWELS for c in w):
        return True
    if re.search(r"(.)\1\1\1", w):
        return True
    return re.search(r"[^aeiouyàáâäèéêëìíîïòóôöùúûü'\-]{5,}", w) is not None


def _wordfreq_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wordfreq")
    except PackageNotFoundError:
        return "none"


def text_problem(text: Any) -> str | None:
    """Why a response cannot be scored (empty, no words, garbage, not English), or None.

    Remembered per text, in the process and on disk (``text_features``), so a re-score
    never loads wordfreq's word lists for texts it has checked before."""
    return _PROBLEMS(text) if isinstance(text, str) else _text_problem(text)


def prefetch_text_problems(texts: Iterable[Any]) -> None:
    """Load the cached checks of a batch of texts in one query."""
    _PROBLEMS.prefetch(texts)


def flush_text_features(wv: "WordVectors | None" = None) -> None:
    """Write the per-text features computed by this process to the disk cache."""
    _PROBLEMS.flush()
    if wv is not None:
        _composer(wv).flush()


def _text_problem(text: Any) -> str | None:
    """Why a response cannot be scored (empty, no words, garbage, not English), or None.

    Lenient on purpose: human responses have typos and loan words, so text is rejected
    as garbage only when most words are unknown *and* look like keyboard mash, and as not
    English only when it has 3+ words that are far more frequent in another language.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return "empty response"
    s = str(text).strip()
    if not s:
        return "empty response"
    letters = [c for c in s if c.isalpha()]
    if not letters:
        return "no words (only digits or punctuation)"
    latin = sum(1 for c in letters if c.isascii() or "\u00c0" <= c <= "\u024f")
    if latin / len(letters) < 0.5:
        return "not English text (mostly non-Latin script)"
    toks = [w for w in words(s) if not w.isdigit()]
    if not toks:
        return "no words (only digits or punctuation)"
    unknown = [w for w in toks if not _is_english_word(w)]
    if len(unknown) / len(toks) > 2 / 3 and sum(map(_is_gibberish, unknown)) * 2 >= len(toks):
        return f"garbage text ({len(toks) - len(unknown)} of {len(toks)} words are English words)"
    if len(toks) >= 3 and len(s.split()) >= 3:  # "cul-de-sac" is one English word
        common_en = sum(1 for w in toks if zipf(w) >= 3.0) / len(toks)
        if common_en < 0.5:  # most English answers stop here, before six more lookups a word
            en = sum(zipf(w) for w in toks) / len(toks)
            other = {lang: sum(_zipf_in(f, w) for w in toks) / len(toks) for lang, f in _other_freqs().items()}
            lang, best = max(other.items(), key=lambda kv: kv[1])
            if best > en + 1.5:
                return f"not English text (reads as '{lang}')"
    return None


_PROBLEMS = TextMemo(f"text_problem/2+wordfreq-{_wordfreq_version()}", _text_problem,
                     encode=optional_str_bytes, decode=optional_str_value)


def response_units(responses: pd.DataFrame) -> list[list[str]]:
    """The texts to score per row: the parsed ``ideas`` when present, else ``[text]``."""
    units: list[list[str]] = []
    ideas = responses["ideas"].tolist() if "ideas" in responses.columns else [None] * len(responses)
    texts = responses["text"].tolist() if "text" in responses.columns else [None] * len(responses)
    for idea_list, text in zip(ideas, texts):
        if idea_list is not None and not (isinstance(idea_list, float) and math.isnan(idea_list)) and len(idea_list) > 0:
            units.append([str(x) for x in idea_list])
        else:
            units.append([text])  # type: ignore[list-item]
    return units


def row_items(responses: pd.DataFrame) -> list[str | None]:
    """The stimulus per row (``item`` column), None where missing."""
    if "item" not in responses.columns:
        raise BenchError(
            "the responses have no 'item' column (the AUT object or scenario)",
            fix="add an item column, or score through benchmark.scoring.score_responses which fills it from the task suite",
        )
    out: list[str | None] = []
    for v in responses["item"].tolist():
        out.append(None if v is None or (isinstance(v, float) and math.isnan(v)) or not str(v).strip() else str(v))
    return out


def cosine_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise 1 - cosine; NaN where a vector is all zeros."""
    a = np.atleast_2d(a).astype(np.float64)
    b = np.atleast_2d(b).astype(np.float64)
    na = np.linalg.norm(a, axis=1)
    nb = np.linalg.norm(b, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("ij,ij->i", a, b) / (na * nb)
    cos[(na == 0) | (nb == 0)] = np.nan
    return 1.0 - cos


def compose(wv: WordVectors, text: str) -> tuple[dict[str, np.ndarray] | None, str | None]:
    """Additive and multiplicative composition of the content words known to ``wv``."""
    return _composer(wv)(text)


_COMPOSERS: dict[str, TextMemo] = {}


def _composer(wv: WordVectors) -> TextMemo:
    """The per-text composition memo of these vectors (semdis_glove and originality share it)."""
    memo = _COMPOSERS.get(wv.fingerprint)
    if memo is None:
        memo = _COMPOSERS[wv.fingerprint] = TextMemo(
            f"glove-compose/1+{wv.fingerprint}", lambda text: _compose_raw(wv, text),
            encode=_compose_bytes, decode=_compose_value)
    return memo


def _compose_bytes(value: tuple[dict[str, np.ndarray] | None, str | None]) -> bytes:
    vecs, reason = value
    if vecs is None:
        return b"R" + str(reason).encode("utf-8")
    return b"V" + np.concatenate([vecs["additive"], vecs["multiplicative"]]).astype(np.float64).tobytes()


def _compose_value(blob: bytes) -> tuple[dict[str, np.ndarray] | None, str | None]:
    if blob[:1] == b"R":
        return None, blob[1:].decode("utf-8")
    v = np.frombuffer(blob[1:], dtype=np.float64)
    half = v.shape[0] // 2
    return {"additive": v[:half], "multiplicative": v[half:]}, None


def _compose_raw(wv: WordVectors, text: str) -> tuple[dict[str, np.ndarray] | None, str | None]:
    toks = content_words(text)
    if not toks:
        toks = [w for w in words(text) if not w.isdigit()]  # a response of stop words only
        if not toks:
            return None, "no content words"
    mat, unknown = wv.lookup(toks)
    if mat.shape[0] == 0:
        return None, f"no word is in the {wv.name} vocabulary ({', '.join(unknown[:5])})"
    mat = mat.astype(np.float64)  # long products underflow in float32
    return {"additive": mat.sum(axis=0), "multiplicative": np.prod(mat, axis=0)}, None


def minilm_distances(items: Sequence[str], texts: Sequence[str], model: str = MINILM_NAME) -> np.ndarray:
    """1 - cosine(item, text) with MiniLM, for aligned lists of already-checked strings."""
    enc = sentence_encoder(model)
    uniq_items = list(dict.fromkeys(items))
    pos = {item: i for i, item in enumerate(uniq_items)}
    item_vecs = enc.encode(uniq_items)
    which = np.fromiter((pos[i] for i in items), dtype=np.int64, count=len(items))
    text_vecs = enc.encode(list(texts))
    out = np.empty(len(texts))
    for start in range(0, len(texts), 8192):  # no (n, dim) copies: 100k responses stay small
        sl = slice(start, start + 8192)
        # both are unit vectors: the dot product is the cosine
        out[sl] = 1.0 - np.einsum("ij,ij->i", text_vecs[sl], item_vecs[which[sl]], dtype=np.float64)
    return out


def glove_distances(
    items: Sequence[str], texts: Sequence[str], wv: WordVectors
) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Additive and multiplicative distances per (item, text) pair plus a reason where NaN."""
    n = len(texts)
    reasons: list[str | None] = [None] * n
    vecs = {c: (np.zeros((n, wv.dim)), np.zeros((n, wv.dim))) for c in COMPOSITIONS}
    memo = _composer(wv)
    memo.prefetch(list(items) + list(texts))
    for i, (item, text) in enumerate(zip(items, texts)):
        ivec, ireason = memo(item)
        if ivec is None:
            reasons[i] = f"item '{item}': {ireason}"
            continue
        rvec, rreason = memo(text)
        if rvec is None:
            reasons[i] = rreason
            continue
        for c in COMPOSITIONS:
            vecs[c][0][i] = ivec[c]
            vecs[c][1][i] = rvec[c]
    add = cosine_distance(*vecs["additive"])
    mult = cosine_distance(*vecs["multiplicative"])
    for i in np.flatnonzero(np.isnan(mult)):
        if reasons[i] is None:
            reasons[i] = "multiplicative vector underflowed to zero"
    memo.flush()
    return add, mult, reasons


class _SemDisBase:
    name: ClassVar[str]
    version: ClassVar[str] = "1"

    def _distances(self, items: list[str], texts: list[str]) -> tuple[list[float], list[dict[str, Any]]]:
        raise NotImplementedError

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        """One row per response: mean distance over its ideas, NaN with a reason when none scores."""
        units = response_units(responses)
        items = row_items(responses)
        flat_items: list[str] = []
        flat_texts: list[str] = []
        where: list[tuple[int, int]] = []
        problems: list[list[str | None]] = []
        prefetch_text_problems(t for u in units for t in u)
        for r, (item, texts) in enumerate(zip(items, units)):
            row_problems: list[str | None] = []
            for j, t in enumerate(texts):
                p = "no item (object or scenario) to compare with" if item is None else text_problem(t)
                row_problems.append(p)
                if p is None:
                    flat_items.append(item)  # type: ignore[arg-type]
                    flat_texts.append(str(t).strip())
                    where.append((r, j))
            problems.append(row_problems)
        flush_text_features()
        vals, dets = self._distances(flat_items, flat_texts) if flat_texts else ([], [])
        per: list[list[float]] = [[math.nan] * len(u) for u in units]
        per_det: list[list[dict[str, Any]]] = [[{} for _ in u] for u in units]
        for (r, j), v, d in zip(where, vals, dets):
            per[r][j] = v
            per_det[r][j] = d
            if math.isnan(v):
                problems[r][j] = d.get("reason", "no distance")
        values: list[float] = []
        details: list[dict[str, Any]] = []
        for r in range(len(units)):
            value, det = mean_over_ideas(per[r], problems[r], decimals=6)
            det["item"] = items[r]
            if len(units[r]) == 1:
                det.update({k: v for k, v in per_det[r][0].items() if k != "reason"})
            values.append(value)
            details.append(det)
        return score_frame(responses, self.name, self.version, values, details)


class SemDisMiniLM(_SemDisBase):
    """SemDis with MiniLM sentence embeddings (cached)."""

    name: ClassVar[str] = "semdis_minilm"
    version: ClassVar[str] = "1"

    def __init__(self, model: str = MINILM_NAME):
        self.model = model

    def _distances(self, items: list[str], texts: list[str]) -> tuple[list[float], list[dict[str, Any]]]:
        d = minilm_distances(items, texts, self.model)
        return [float(x) for x in d], [{"model": self.model} for _ in d]


class SemDisGlove(_SemDisBase):
    """SemDis with GloVe (or any word vectors), stop words removed, additive/multiplicative."""

    name: ClassVar[str] = "semdis_glove"
    version: ClassVar[str] = "1"

    def __init__(self, vectors: str | None = None, composition: str = "multiplicative"):
        if composition not in COMPOSITIONS:
            raise BenchError(
                f"unknown composition '{composition}'", where="semdis_glove", fix=f"use one of {', '.join(COMPOSITIONS)}"
            )
        self.vectors = vectors
        self.composition = composition
        self.wv = load_word_vectors(vectors)

    def _distances(self, items: list[str], texts: list[str]) -> tuple[list[float], list[dict[str, Any]]]:
        add, mult, reasons = glove_distances(items, texts, self.wv)
        chosen = add if self.composition == "additive" else mult
        dets: list[dict[str, Any]] = []
        for a, m, why in zip(add, mult, reasons):
            d: dict[str, Any] = {"vectors": self.wv.name, "composition": self.composition}
            d["additive"] = None if math.isnan(a) else float(a)
            d["multiplicative"] = None if math.isnan(m) else float(m)
            if why and math.isnan(a if self.composition == "additive" else m):
                d["reason"] = why
            dets.append(d)
        return [float(x) for x in chosen], dets


__all__ = [
    "COMPOSITIONS",
    "SemDisGlove",
    "SemDisMiniLM",
    "compose",
    "content_words",
    "cosine_distance",
    "glove_distances",
    "minilm_distances",
    "flush_text_features",
    "prefetch_text_problems",
    "response_units",
    "stop_words",
    "text_problem",
    "words",
    "zipf",
]
