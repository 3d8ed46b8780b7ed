"""Benchmark: coverage of the binomial mixed model's 95% CI on simulated yes/no judgments.

100 seeds of a checklist-like design with known parameters: 60 answers (30 by people, 30
by a model), 12 raters, each answer judged by 3 of them; logit P(pass) = 0.3 - 0.8 * is_ai
+ item effect (SD 0.8) + rater effect (SD 0.6). Each data set is fitted by
``benchmark.analysis.glmm.fit_binomial_crossed`` (Laplace / PIRLS, lme4's glmer nAGQ=0)
and, as the library reference, by statsmodels ``BinomialBayesMixedGLM`` with the same
variance components (``fit_map`` and ``fit_vb``). Figure: in how many of 100 seeds the 95%
CI of the AI effect contains the true -0.8 (target >= 93); the mean estimate, the mean SE
against the SD of the estimates over seeds, and the time per fit are printed.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

SEEDS = 100
TRUE = {"intercept": 0.3, "is_ai": -0.8, "sd_item": 0.8, "sd_rater": 0.6}


def simulate(seed: int, n_items: int = 60, n_raters: int = 12, k: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    item = rng.normal(0, TRUE["sd_item"], n_items)
    rater = rng.normal(0, TRUE["sd_rater"], n_raters)
    rows = []
    for i in range(n_items):
        ai = i % 2
        for r in rng.choice(n_raters, k, replace=False):
            eta = TRUE["intercept"] + TRUE["is_ai"] * ai + item[i] + rater[r]
            rows.append((f"i{i}", f"r{r}", ai, int(rng.random() < 1 / (1 + np.exp(-eta)))))
    return pd.DataFrame(rows, columns=["item_id", "rater_id", "is_ai", "value"])


def _statsmodels(d: pd.DataFrame, how: str) -> tuple[float, float]:
    from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM

    m = BinomialBayesMixedGLM.from_formula("value ~ is_ai", {"item": "0 + C(item_id)", "rater": "0 + C(rater_id)"}, d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = m.fit_map() if how == "map" else m.fit_vb()
    return float(r.fe_mean[1]), float(r.fe_sd[1])


def run() -> list[dict]:
    import statsmodels.genmod.bayes_mixed_glm  # noqa: F401  (loaded before the BLAS limit, which covers loaded libraries)
    from threadpoolctl import threadpool_limits

    from benchmark.analysis.glmm import fit_binomial_crossed

    est: dict[str, list[tuple[float, float]]] = {"ours": [], "statsmodels fit_map": [], "statsmodels fit_vb": []}
    secs = dict.fromkeys(est, 0.0)
    fallbacks = 0
    with threadpool_limits(limits=1):  # small dense algebra: a threaded BLAS only spins on a shared machine
        for seed in range(SEEDS):
            d = simulate(seed)
            t = time.perf_counter()
            fit = fit_binomial_crossed(d, "is_ai")
            secs["ours"] += time.perf_counter() - t
            fallbacks += not fit.converged
            row = fit.term("is_ai")
            est["ours"].append((row["estimate"], row["se"]))
            for how, name in (("map", "statsmodels fit_map"), ("vb", "statsmodels fit_vb")):
                t = time.perf_counter()
                est[name].append(_statsmodels(d, how))
                secs[name] += time.perf_counter() - t
    cover = {}
    for name, v in est.items():
        a = np.array(v)
        cover[name] = int(np.sum(np.abs(a[:, 0] - TRUE["is_ai"]) <= 1.96 * a[:, 1]))
        print(f"{name:22s}: 95% CI covers {TRUE['is_ai']} in {cover[name]}/{SEEDS} seeds; mean estimate "
              f"{a[:, 0].mean():.3f}, mean SE {a[:, 1].mean():.3f} vs SD over seeds {a[:, 0].std():.3f}; "
              f"{1000 * secs[name] / SEEDS:.0f} ms per fit")
    print(f"fallbacks to logistic regression: {fallbacks}")
    ours = cover["ours"]
    return [{"bench": "binomial GLMM: true effect inside the 95% CI, 100 simulated seeds",
             "figure": f"{ours}/{SEEDS} (statsmodels BinomialBayesMixedGLM: fit_map {cover['statsmodels fit_map']}, "
                       f"fit_vb {cover['statsmodels fit_vb']})", "ratio": ours / SEEDS, "target": ">= 0.93",
             "ok": ours >= 93}]


if __name__ == "__main__":
    run()
