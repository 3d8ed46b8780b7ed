"""A per-item k-means codebook of rated responses: the model's "neighbour" memory.

Why: people rate near-identical ideas alike, so the mean rating of the training responses
most similar to a new one is the strongest single feature (val r ~ .75 on AUT). Keeping
every training response with its rating would copy the rating column of the human data
set into the repo; a codebook keeps only derived figures instead: per item, k-means
clusters of the training responses (in the PCA space), and per cluster its centroid, the
mean rating of its members and their count. Every cluster has at least ``MIN_CLUSTER``
members (smaller ones are dissolved into their nearest neighbours), so no stored figure is
one response's rating, and no array has one row per training response.

The features for a response are the similarity- and count-weighted mean of the cluster
means of the ``M_CENTROIDS`` most similar centroids of its item, and the log kernel
density of rated responses around it (how common the answer is: val r -.41 with the
rating on AUT; it adds ~.01 to the model's r). Training rows get them leave-one-out (their
own rating and embedding removed from their cluster), so the ridge that uses them learns
how far to trust them on responses the codebook has not seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from benchmark.scoring.originality.data import normalise_item

MIN_CLUSTER = 5  # no stored mean rests on fewer responses than this
ROWS_PER_CLUSTER = 6  # k = n_item_rows // ROWS_PER_CLUSTER (before dissolving small clusters)
M_CENTROIDS = 10  # the most similar centroids that vote
WEIGHT_POWER = 4.0  # vote weight = count * max(cos, 0) ** power: close clusters dominate
DENSITY_TAU = 0.1  # kernel width (in cosine) of the density feature
N_FEATURES = 2
_CHUNK = 4096


def quantise(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit rows -> int8 codes and a per-row scale (cosines change by < 0.01)."""
    scale = np.abs(rows).max(axis=1) / 127.0 if len(rows) else np.zeros(0, np.float32)
    scale[scale == 0] = 1.0
    return np.round(rows / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def _unit(a: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(a, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return a / n


@dataclass
class Codebook:
    """Clusters of one task's rated training responses, grouped by item (normalised name)."""

    items: list[str]
    cluster_item: np.ndarray  # (C,) int32: index into ``items``
    codes: np.ndarray  # (C, d) int8: unit centroid direction = codes * code_scale
    code_scale: np.ndarray  # (C,) float32
    means: np.ndarray  # (C,) float32: mean rating of the cluster's members
    counts: np.ndarray  # (C,) int32: members (>= MIN_CLUSTER)

    def __post_init__(self) -> None:
        cent = self.codes.astype(np.float32) * self.code_scale[:, None].astype(np.float32)
        self._blocks = {}
        for i, name in enumerate(self.items):
            idx = np.flatnonzero(self.cluster_item == i)
            self._blocks[normalise_item(name)] = (np.ascontiguousarray(cent[idx]), self.means[idx].astype(np.float64),
                                                  self.counts[idx].astype(np.float64))

    def knows(self, item: str) -> bool:
        return normalise_item(item) in self._blocks

    def neighbour_features(self, queries: np.ndarray, items: Sequence[str]) -> np.ndarray:
        """(n, 2): [neighbour mean rating, log density] from each query's item's clusters (NaN: unknown item)."""
        out = np.full((len(queries), N_FEATURES), np.nan)
        norm = np.array([normalise_item(i) for i in items])
        for name in np.unique(norm):
            block = self._blocks.get(str(name))
            if block is None:
                continue
            cent, means, counts = block
            q_idx = np.flatnonzero(norm == name)
            for start in range(0, len(q_idx), _CHUNK):  # bounded memory for the similarity block
                qi = q_idx[start : start + _CHUNK]
                sims = np.asarray(queries[qi], dtype=np.float32) @ cent.T
                sims = sims.astype(np.float64)
                out[qi] = features(sims, np.broadcast_to(means, sims.shape), np.broadcast_to(counts, sims.shape))
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}items": np.array(self.items, dtype=str), f"{prefix}cluster_item": self.cluster_item.astype(np.int32),
                f"{prefix}centroid_codes": self.codes.astype(np.int8), f"{prefix}centroid_scale": self.code_scale.astype(np.float32),
                f"{prefix}cluster_means": self.means.astype(np.float32), f"{prefix}cluster_counts": self.counts.astype(np.int32)}

    @classmethod
    def from_arrays(cls, z: Any, prefix: str) -> "Codebook":
        return cls([str(x) for x in z[f"{prefix}items"]], z[f"{prefix}cluster_item"], z[f"{prefix}centroid_codes"],
                   z[f"{prefix}centroid_scale"], z[f"{prefix}cluster_means"], z[f"{prefix}cluster_counts"])


def vote(sims: np.ndarray, means: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per row: count- and similarity-weighted mean of ``means`` over the M_CENTROIDS most similar columns."""
    m = min(M_CENTROIDS, sims.shape[1])
    top = np.argpartition(-sims, m - 1, axis=1)[:, :m] if m < sims.shape[1] else np.broadcast_to(np.arange(sims.shape[1]), sims.shape)
    s = np.take_along_axis(sims, top, axis=1)
    w = np.take_along_axis(counts, top, axis=1) * (np.clip(s, 0.0, None) ** WEIGHT_POWER + 1e-6)
    return (w * np.take_along_axis(means, top, axis=1)).sum(axis=1) / w.sum(axis=1)


def density(sims: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Log kernel density of rated responses around each row: high = a common answer (rated less original)."""
    return np.log((counts * np.exp((sims - 1.0) / DENSITY_TAU)).sum(axis=1) + 1e-12)


def features(sims: np.ndarray, means: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The codebook's columns for the ridge: [neighbour mean rating, log density]."""
    return np.column_stack([vote(sims, means, counts), density(sims, counts)])


def _dissolve_small(x: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
    """Reassign members of clusters below ``min_size`` to the nearest other cluster, smallest first."""
    labels = labels.copy()
    while True:
        ids, counts = np.unique(labels, return_counts=True)
        if len(ids) <= 1 or counts.min() >= min_size:
            break
        small = ids[np.argmin(counts)]
        keep = ids[ids != small]
        cent = np.stack([x[labels == c].mean(axis=0) for c in keep])
        members = np.flatnonzero(labels == small)
        d = ((x[members, None, :] - cent[None, :, :]) ** 2).sum(axis=2)
        labels[members] = keep[np.argmin(d, axis=1)]
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def cluster_rows(x: np.ndarray, seed: int, rows_per_cluster: int = ROWS_PER_CLUSTER, min_size: int = MIN_CLUSTER) -> np.ndarray:
    """k-means labels (0..k-1) for one item's unit rows, every cluster >= ``min_size`` members."""
    from sklearn.cluster import KMeans

    k = max(1, min(len(x) // rows_per_cluster, len(x) // min_size))
    if k == 1:
        return np.zeros(len(x), dtype=np.int64)
    labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(x)
    return _dissolve_small(x, labels, min_size)


@dataclass
class FittedCodebook:
    """A codebook plus what fitting needs for leave-one-out features (never saved)."""

    codebook: Codebook
    row_cluster: np.ndarray  # (n,) global cluster index per training row, -1 if its item was dropped
    sums: np.ndarray  # (C, d) float64: sum of member rows (unnormalised centroid * count)
    rating_sums: np.ndarray  # (C,)

    def loo_features(self, x: np.ndarray, items: Sequence[str], y: np.ndarray) -> np.ndarray:
        """The features for training rows, each with itself removed from its own cluster."""
        cb = self.codebook
        out = np.full((len(x), N_FEATURES), np.nan)
        norm = np.array([normalise_item(i) for i in items])
        for i, name in enumerate(cb.items):
            cl = np.flatnonzero(cb.cluster_item == i)
            rows = np.flatnonzero((norm == name) & (self.row_cluster >= 0))
            if not len(rows):
                continue
            cent = _unit(self.sums[cl])
            sims = x[rows].astype(np.float64) @ cent.T
            means = np.repeat(cb.means[cl][None, :].astype(np.float64), len(rows), axis=0)
            counts = np.repeat(cb.counts[cl][None, :].astype(np.float64), len(rows), axis=0)
            own = np.searchsorted(cl, self.row_cluster[rows])
            r = np.arange(len(rows))
            n_left = counts[r, own] - 1
            means[r, own] = (self.rating_sums[cl][own] - y[rows]) / n_left
            counts[r, own] = n_left
            own_cent = _unit(self.sums[cl][own] - x[rows])
            sims[r, own] = (x[rows] * own_cent).sum(axis=1)
            out[rows] = features(sims, means, counts)
        return out


def fit_codebook(x: np.ndarray, items: Sequence[str], y: np.ndarray, seed: int = 0,
                 rows_per_cluster: int = ROWS_PER_CLUSTER, min_size: int = MIN_CLUSTER) -> FittedCodebook:
    """Cluster each item's unit rows ``x``; items with fewer than ``min_size`` rows are left out."""
    norm = np.array([normalise_item(i) for i in items])
    names: list[str] = []
    cluster_item: list[int] = []
    sums: list[np.ndarray] = []
    rsums: list[float] = []
    counts: list[int] = []
    row_cluster = np.full(len(x), -1, dtype=np.int64)
    for name in sorted(set(norm.tolist())):
        rows = np.flatnonzero(norm == name)
        if len(rows) < min_size:
            continue
        labels = cluster_rows(x[rows], seed, rows_per_cluster, min_size)
        names.append(name)
        for c in range(labels.max() + 1):
            mem = rows[labels == c]
            row_cluster[mem] = len(counts)
            cluster_item.append(len(names) - 1)
            sums.append(x[mem].astype(np.float64).sum(axis=0))
            rsums.append(float(y[mem].sum()))
            counts.append(len(mem))
    d = x.shape[1]
    S = np.array(sums).reshape(len(sums), d)
    cnt = np.array(counts, dtype=np.int32)
    codes, scale = quantise(_unit(S).astype(np.float32)) if len(cnt) else (np.zeros((0, d), np.int8), np.zeros(0, np.float32))
    means = (np.array(rsums) / np.maximum(cnt, 1)).astype(np.float32)
    cb = Codebook(names, np.array(cluster_item, dtype=np.int32), codes, scale, means, cnt)
    return FittedCodebook(cb, row_cluster, S, np.array(rsums))


__all__ = ["Codebook", "FittedCodebook", "MIN_CLUSTER", "M_CENTROIDS", "N_FEATURES", "ROWS_PER_CLUSTER", "density", "features",
           "fit_codebook", "quantise", "vote"]
