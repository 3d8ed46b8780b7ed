"""Small seeded synthetic studies shared by the analysis tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def simulate_likert(n_raters: int = 12, n_items: int = 60, k: int = 3, effect: float = 0.6, sd_rater: float = 0.4,
                    sd_item: float = 0.7, sd_error: float = 0.6, seed: int = 0, dims=("originality",)) -> pd.DataFrame:
    """Crossed design: each item rated by k of n raters on a 1-5 scale (rounded, clipped);
    odd items are AI (``test/model``), even ones human (``human/sim``)."""
    rng = np.random.default_rng(seed)
    rows = []
    for dim in dims:
        ra = rng.normal(0, sd_rater, n_raters)
        it = rng.normal(0, sd_item, n_items)
        for i in range(n_items):
            ai = i % 2 == 1
            for r in rng.choice(n_raters, k, replace=False):
                v = 3 + effect * ai + ra[r] + it[i] + rng.normal(0, sd_error)
                rows.append({"item_id": f"i{i}", "rater_id": f"r{r}", "dimension": dim,
                             "value": float(np.clip(np.rint(v), 1, 5)),
                             "source": "test/model" if ai else "human/simulated", "task_id": "aut",
                             "rt_s": float(rng.uniform(8, 30))})
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def likert_df() -> pd.DataFrame:
    return simulate_likert(dims=("originality", "utility"))


def simulate_checklist(n_items: int = 40, n_raters: int = 8, k: int = 3, tests=("plot", "voice", "surprise", "imagery"),
                       seed: int = 0, sources=("human/writers", "m/alpha", "m/beta"),
                       logit_shift=(0.0, -1.2, -0.4), sd_item: float = 0.8, sd_rater: float = 0.5) -> pd.DataFrame:
    """A checklist study as the app exports it: one 0/1 row per (item, rater, test), each
    item written by one source and judged by k of n raters (logit-scale crossed effects)."""
    rng = np.random.default_rng(seed)
    ra = rng.normal(0, sd_rater, n_raters)
    rows = []
    for i in range(n_items):
        s = i % len(sources)
        it = rng.normal(0, sd_item)
        for r in rng.choice(n_raters, k, replace=False):
            for j, test in enumerate(tests):
                eta = 0.6 + logit_shift[s] + it + ra[r] + (0.3 * j - 0.45)
                rows.append({"item_id": f"s{i}", "rater_id": f"r{r}", "dimension": test,
                             "value": int(rng.random() < 1 / (1 + np.exp(-eta))), "source": sources[s],
                             "reason": "" if rng.random() < 0.7 else "see line 2"})
    return pd.DataFrame(rows)
