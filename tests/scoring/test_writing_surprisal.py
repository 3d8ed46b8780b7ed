"""writing_surprisal: per-token surprisal under the real SmolLM2-135M GGUF (llama-cpp-python)."""

from __future__ import annotations

import math

import numpy as np

from benchmark.scoring.writing_surprisal import SURPRISAL, surprisal_features

PLAIN = "The cat sat on the mat. Then the cat went to sleep on the mat, and the house was quiet."
ODD = "Quantum marmalade whispers to obsidian clocks; the lighthouse folds its vowels into a drawer of weather."


def test_unexpected_words_are_more_surprising_and_values_are_cached():
    f = surprisal_features([PLAIN, ODD, "", "Hi"])
    assert list(f.columns) == list(SURPRISAL)
    assert f.loc[1, "surprisal_mean"] > f.loc[0, "surprisal_mean"] > 0
    assert np.isfinite(f.iloc[:2].to_numpy()).all()
    assert all(math.isnan(v) for v in f.iloc[2]) and all(math.isnan(v) for v in f.iloc[3])  # empty; under 3 tokens
    again = surprisal_features([ODD])
    assert np.allclose(again.iloc[0].to_numpy(), f.iloc[1].to_numpy())
