"""Do pairwise rankings hold up? Rank confidence sets and the drop-k robustness check.

Rank confidence sets: for every source, the set of ranks it could hold, simultaneously for
all sources at 95% (Mogstad, Romano, Shaikh & Wilhelm 2024, "Inference for ranks", REStud
91(1)): from the bootstrap draws of the ratings, the critical value ``c`` is the 95%
quantile of the largest studentised deviation of any pairwise difference,
``max_ij |D*_ij - D_ij| / sd_ij``; source j is significantly above i when
``D_ji - c sd_ji > 0``; i's rank set is ``[1 + #above, K - #below]``.

Drop-k: the smallest number of battles whose removal swaps two sources (the top source and
its challengers, and each pair adjacent in the ranking). Pairwise rankings are fragile:
dropping 2 of 57,477 votes changes Chatbot Arena's #1 (Huang et al. 2025). Finding the
smallest set exactly is combinatorial, so the search is influence-guided and verified:
the first-order effect of removing one battle on the gap ``beta_i - beta_j`` is
``-(y - p) c' I^-1 (e_a - e_b)`` (I = observed information at the MLE); battles are
removed in the order of their effect until the predicted gap closes, the model is refitted
to verify, influences are recomputed on what is left when it has not flipped yet, and a
bisection over the removal order finds the shortest prefix that flips on refit. The figure
is therefore an upper bound that the refit proves: "k battles suffice" (fewer may exist).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmark.analysis.pairwise import ELO_SCALE, BTResult, Outcomes, fit_bt

TOL = 1e-6  # log-strength: a gap this small counts as closed (j at least level with i)
MAX_CHALLENGERS = 10  # drop-k for the top: the nearest challengers (the far ones need more removals)
MAX_ADJACENT = 20  # drop-k for neighbours: the first ranks (bounded work on large boards)


def rank_sets(elo: np.ndarray, boots: np.ndarray, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray, float]:
    """Simultaneous rank confidence sets; returns (lowest rank, highest rank, critical value).
    Memory stays O(rounds x sources): one source's differences at a time."""
    k = len(elo)
    sd = np.zeros((k, k))
    worst = np.zeros(len(boots))
    for i in range(k):
        Db = boots[:, [i]] - boots  # rounds x k: source i minus each source
        sd[i] = Db.std(axis=0)
        ok = sd[i] > 0
        ok[i] = False
        if ok.any():
            dev = np.abs(Db[:, ok] - (elo[i] - elo[ok])) / sd[i, ok]
            worst = np.maximum(worst, dev.max(axis=1))
    off = ~np.eye(k, dtype=bool) & (sd > 0)
    if not off.any():
        return np.ones(k, int), np.full(k, k), float("nan")
    c = float(np.quantile(worst, ci))
    D = elo[:, None] - elo[None, :]
    above = (D - c * sd > 0) & off  # above[i, j]: i significantly above j
    return 1 + above.sum(axis=0), k - above.sum(axis=1), c


def _information(o: Outcomes, beta: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Observed information of the BT log-likelihood (sources 1..K-1; source 0 fixed)."""
    k = len(o.sources)
    p = 1 / (1 + np.exp(-(beta[o.a] - beta[o.b])))
    h = w * p * (1 - p)
    info = np.zeros((k, k))
    np.add.at(info, (o.a, o.a), h)
    np.add.at(info, (o.b, o.b), h)
    np.add.at(info, (o.a, o.b), -h)
    np.add.at(info, (o.b, o.a), -h)
    return info[1:, 1:]


def _gap_effect(o: Outcomes, beta: np.ndarray, counts: np.ndarray, i: int, j: int) -> np.ndarray:
    """Predicted change of beta_i - beta_j when one battle of each unique row is removed."""
    k = len(o.sources)
    w = counts * o.weight
    info = _information(o, beta, w) + 1e-9 * np.eye(k - 1)
    c = np.zeros(k)
    c[i], c[j] = 1.0, -1.0
    v = np.zeros(k)
    v[1:] = np.linalg.solve(info, c[1:])  # I^-1 c (c' I^-1 = (I^-1 c)' as I is symmetric)
    p = 1 / (1 + np.exp(-(beta[o.a] - beta[o.b])))
    return -(o.y - p) * o.weight * (v[o.a] - v[o.b])


def _refit(o: Outcomes, counts: np.ndarray, x0: np.ndarray) -> np.ndarray:
    sub = Outcomes(o.sources, o.a, o.b, o.y, counts * o.weight, counts)
    return fit_bt(sub, x0=x0)


def drop_k(o: Outcomes, beta: np.ndarray, i: int, j: int, *, max_share: float = 0.5, max_rounds: int = 20) -> dict:
    """Fewest battles (found greedily, verified by refit) whose removal puts j at or above i."""
    gap0 = beta[i] - beta[j]
    total = int(round(o.count.sum()))
    if gap0 <= 0:
        return {"k": 0, "share": 0.0, "verified": True}
    counts = o.count.copy()
    order: list[int] = []  # unique-row index of each removed battle, in removal order
    b = beta
    for _ in range(max_rounds):
        eff = _gap_effect(o, b, counts, i, j)
        gap = b[i] - b[j]
        rows = np.argsort(eff)
        need, taken = gap, []
        for r in rows:
            if eff[r] >= 0 or need <= 0:
                break
            m = int(min(counts[r], np.ceil(need / -eff[r])))
            taken += [r] * m
            need += m * eff[r]
        if not taken:  # no battle lowers the gap any more
            break
        if len(order) + len(taken) > max_share * total:
            taken = taken[: max(0, int(max_share * total) - len(order))]
        for r in taken:
            counts[r] -= 1
        order += taken
        b = _refit(o, counts, b)
        if b[i] - b[j] <= TOL or len(order) >= max_share * total:
            break
    if b[i] - b[j] > TOL:
        return {"k": None, "share": None, "verified": True,
                "more_than": len(order), "note": f"removing {len(order)} battles ({len(order) / total:.0%}) did not swap them"}
    lo, hi = 1, len(order)  # bisection over prefixes of the removal order (flips at hi)
    while lo < hi:
        mid = (lo + hi) // 2
        c = o.count.copy()
        np.subtract.at(c, np.array(order[:mid]), 1)
        bm = _refit(o, c, beta)
        if bm[i] - bm[j] <= TOL:
            hi = mid
        else:
            lo = mid + 1
    return {"k": int(hi), "share": hi / total, "verified": True}


def robustness(res: BTResult) -> dict:
    """Rank sets and drop-k for a fitted Bradley-Terry result (point-estimate order)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # many tiny refits: a threaded BLAS only spins
        return _robustness(res)


def _robustness(res: BTResult) -> dict:
    o, beta = res.outcomes, res.beta
    if o is None or beta is None or len(o.sources) < 2:
        return {}
    order = list(np.argsort(-beta))
    names = o.sources
    out: dict = {"method": "influence-guided greedy removal, verified by refitting (an upper bound on the fewest battles)"}
    if res.boots is not None and len(res.boots) >= 20:
        elo = ELO_SCALE * (beta - beta.mean())
        boots = res.boots - res.boots.mean(axis=1, keepdims=True)
        lo, hi, c = rank_sets(elo, boots)
        out["rank_sets"] = [{"source": names[s], "rank_low": int(lo[s]), "rank_high": int(hi[s])} for s in order]
        out["rank_sets_method"] = (f"simultaneous 95% rank confidence sets (max-t over pairwise differences of the "
                                   f"bootstrap ratings, critical value {c:.2f}; Mogstad et al. 2024)")
    total = int(round(o.count.sum()))
    top = order[0]
    challengers = [drop_k(o, beta, top, j) | {"source": names[j]} for j in order[1:1 + MAX_CHALLENGERS]]
    found = [c for c in challengers if c.get("k") is not None]
    best = min(found, key=lambda c: c["k"]) if found else None
    out["top"] = {"source": names[top], "n_battles": total,
                  "k": best["k"] if best else None, "share": best["share"] if best else None,
                  "overtaken_by": best["source"] if best else None,
                  "note": None if best else "no challenger overtook it within the search limit (half of the battles)"}
    adjacent = []
    if len(order) > MAX_ADJACENT + 1:
        out["note"] = (f"drop-k is computed for the top against its {MAX_CHALLENGERS} nearest challengers and for "
                       f"the first {MAX_ADJACENT} neighbouring pairs")
    for u, v in list(zip(order[:-1], order[1:]))[:MAX_ADJACENT]:
        r = drop_k(o, beta, u, v) if (u, v) != (top, order[1]) else next(c for c in challengers if c["source"] == names[v])
        adjacent.append({"upper": names[u], "lower": names[v], "gap_elo": float(ELO_SCALE * (beta[u] - beta[v])),
                         "k": r.get("k"), "share": r.get("share"), "note": r.get("note")})
    out["adjacent"] = adjacent
    return out


def robustness_table(rob: dict) -> pd.DataFrame:
    return pd.DataFrame(rob.get("adjacent", []))
