"""The fitted originality model as plain arrays: per-task ridge heads and a neighbour memory.

Why this shape: on the ocsai data a ridge on frozen MiniLM features reaches r ~ .68 on
val, and the mean rating of the most similar *rated* responses to the same object reaches
~ .75 (people rate near-identical ideas alike); a ridge that takes both (plus distances,
length, rarity) reaches ~ .77. For an object the model has no ratings for, neither the
neighbours nor the object-specific weights mean anything, so a second ridge on
object-free features ([response embedding, scalars]) scores it and the row is flagged
``out_of_domain``. That ridge is fitted to ratings centred within each object (plus the
grand mean): an unseen object's rating level cannot be known, and centring stops the
ridge spending its capacity on it (leave-objects-out CV per task, within-object r:
AUT .45 -> .50, Consequences .16 -> .22, Instances .42 -> .56).

Why plain arrays: the shipped parameters are an ``.npz`` of numbers (no pickled sklearn
objects, so nothing executes on load and no scikit-learn version lock) plus a
``provenance.json``. The memory keeps PCA-reduced, int8-quantised embeddings of the
training responses and their mean ratings: no response text is stored.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from benchmark.errors import BenchError
from benchmark.scoring.originality.data import normalise_item
from benchmark.scoring.originality.features import FeatureBlocks

PARAMS_FILE = "params.npz"
PROVENANCE_FILE = "provenance.json"
DEFAULT_PARAMS_DIR = Path(__file__).resolve().parent / "params"
K_NEIGHBOURS = 15
WEIGHT_POWER = 4.0  # neighbour weight = max(cos, 0) ** power: near-duplicates dominate


@dataclass
class Linear:
    """Standardise, then a linear map (a fitted ridge regression)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        if X.shape[1] != self.mean.shape[0]:
            raise BenchError(
                f"feature width {X.shape[1]} does not match the model's {self.mean.shape[0]}",
                fix="refit with `creativity-bench train-scorer` (the parameters are from another feature version)",
            )
        # standardisation folded into the weights: no (n, d) temporaries, float32 matmul
        w = (self.coef / self.scale).astype(np.float32)
        b = self.intercept - float((self.mean / self.scale) @ self.coef)
        return (np.asarray(X, dtype=np.float32) @ w).astype(np.float64) + b

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}mean": self.mean.astype(np.float32), f"{prefix}scale": self.scale.astype(np.float32),
                f"{prefix}coef": self.coef.astype(np.float32), f"{prefix}intercept": np.array(self.intercept)}

    @classmethod
    def from_arrays(cls, z: Any, prefix: str) -> "Linear":
        return cls(z[f"{prefix}mean"].astype(np.float64), z[f"{prefix}scale"].astype(np.float64),
                   z[f"{prefix}coef"].astype(np.float64), float(z[f"{prefix}intercept"]))


@dataclass
class Memory:
    """Rated training responses of one task, as int8 codes, grouped by item."""

    items: list[str]  # normalised item names; item_idx points into this list
    item_idx: np.ndarray  # (n,) int32
    codes: np.ndarray  # (n, d) int8
    code_scale: np.ndarray  # (n,) float32: row = codes * scale (unit vector in PCA space)
    ratings: np.ndarray  # (n,) float32

    def __post_init__(self) -> None:
        self._by_item = {normalise_item(name): np.flatnonzero(self.item_idx == i) for i, name in enumerate(self.items)}
        rows = self.codes.astype(np.float32) * self.code_scale[:, None].astype(np.float32)
        # per item: its rows (contiguous) and ratings, ready for one matmul + top-k
        self._blocks = {name: (torch_from(rows[idx]), torch_from(self.ratings[idx].astype(np.float32)))
                        for name, idx in self._by_item.items()}

    def knows(self, item: str) -> bool:
        return normalise_item(item) in self._by_item

    def neighbour_mean(self, queries: np.ndarray, items: Sequence[str], exclude: np.ndarray | None = None) -> np.ndarray:
        """Similarity-weighted mean rating of the K most similar same-item responses (NaN: unknown item).

        ``exclude`` (row indices into the memory, one per query) leaves a response out of
        its own neighbourhood when the feature is built for training rows.
        """
        import torch

        out = np.full(len(queries), np.nan)
        norm = np.array([normalise_item(i) for i in items])
        for name in np.unique(norm):
            if str(name) not in self._blocks:
                continue
            rows = self._by_item[str(name)]
            mat, ratings = self._blocks[str(name)]
            k = min(K_NEIGHBOURS, len(rows) - (1 if exclude is not None else 0))
            if k < 1:
                continue
            q_idx = np.flatnonzero(norm == name)
            for start in range(0, len(q_idx), 4096):  # bounded memory for the similarity block
                qi = q_idx[start : start + 4096]
                sims = torch_from(queries[qi].astype(np.float32)) @ mat.T
                if exclude is not None:
                    pos = np.searchsorted(rows, exclude[qi])
                    hit = (pos < len(rows)) & (rows[np.minimum(pos, len(rows) - 1)] == exclude[qi])
                    sims[torch_from(np.flatnonzero(hit)), torch_from(pos[hit])] = -float("inf")
                # torch's top-k is ~3x faster than numpy's argpartition here
                vals, top = torch.topk(sims, k, dim=1)
                w = vals.clamp(min=0.0) ** WEIGHT_POWER + 1e-6
                out[qi] = ((w * ratings[top]).sum(dim=1) / w.sum(dim=1)).numpy()
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}items": np.array(self.items, dtype=str), f"{prefix}item_idx": self.item_idx.astype(np.int32),
                f"{prefix}codes": self.codes, f"{prefix}code_scale": self.code_scale.astype(np.float32),
                f"{prefix}ratings": self.ratings.astype(np.float32)}

    @classmethod
    def from_arrays(cls, z: Any, prefix: str) -> "Memory":
        return cls([str(x) for x in z[f"{prefix}items"]], z[f"{prefix}item_idx"], z[f"{prefix}codes"],
                   z[f"{prefix}code_scale"], z[f"{prefix}ratings"])


def torch_from(a: np.ndarray) -> Any:
    """A CPU tensor sharing memory with a numpy array (torch ships with sentence-transformers)."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(a))


def quantise(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit rows -> int8 codes and a per-row scale (cosines change by < 0.01)."""
    scale = np.abs(rows).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(rows / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def in_domain_matrix(b: FeatureBlocks, neighbours: np.ndarray) -> np.ndarray:
    return np.hstack([b.text, b.text * b.item, b.item, b.scalars, neighbours[:, None].astype(np.float32)])


def out_of_domain_matrix(b: FeatureBlocks) -> np.ndarray:
    return np.hstack([b.text, b.scalars])


@dataclass
class TaskHead:
    inside: Linear  # items with ratings in training: [text, text*item, item, scalars, neighbours]
    outside: Linear  # unseen items: [text, scalars], fitted to object-centred ratings
    memory: Memory
    y_min: float
    y_max: float


@dataclass
class OriginalityModel:
    """Per-task heads sharing one PCA projection of the MiniLM space."""

    heads: dict[str, TaskHead]
    pca_mean: np.ndarray  # (384,)
    pca_components: np.ndarray  # (d, 384)
    provenance: dict[str, Any] = field(default_factory=dict)

    def project(self, text_emb: np.ndarray) -> np.ndarray:
        z = (text_emb.astype(np.float32) - self.pca_mean) @ self.pca_components.T
        n = np.linalg.norm(z, axis=1, keepdims=True)
        n[n == 0] = 1.0
        return (z / n).astype(np.float32)

    def is_known_item(self, task: str, item: str) -> bool:
        head = self.heads.get(task)
        return head is not None and head.memory.knows(item)

    def predict(self, tasks: Sequence[str], items: Sequence[str], blocks: FeatureBlocks) -> tuple[np.ndarray, np.ndarray]:
        """Predicted mean rating and an out-of-domain mask, rows aligned with the input."""
        n = len(blocks)
        pred = np.full(n, np.nan)
        ood = np.zeros(n, dtype=bool)
        tasks_arr = np.asarray(tasks)
        proj = self.project(blocks.text) if n else np.empty((0, self.pca_components.shape[0]), np.float32)
        for task in np.unique(tasks_arr):
            head = self.heads.get(str(task))
            idx = np.flatnonzero(tasks_arr == task)
            if head is None:
                continue
            sub = FeatureBlocks(blocks.text[idx], blocks.item[idx], blocks.scalars[idx])
            sub_items = [items[i] for i in idx]
            neigh = head.memory.neighbour_mean(proj[idx], sub_items)
            known = ~np.isnan(neigh)
            p = np.empty(len(idx))
            if known.any():
                kb = FeatureBlocks(sub.text[known], sub.item[known], sub.scalars[known])
                p[known] = head.inside.predict(in_domain_matrix(kb, neigh[known]))
            if (~known).any():
                ub = FeatureBlocks(sub.text[~known], sub.item[~known], sub.scalars[~known])
                p[~known] = head.outside.predict(out_of_domain_matrix(ub))
            pred[idx] = np.clip(p, head.y_min, head.y_max)
            ood[idx] = ~known
        return pred, ood

    def save(self, folder: str | os.PathLike) -> Path:
        """Write params.npz + provenance.json atomically (temp files, then rename)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "pca_mean": self.pca_mean.astype(np.float32),
            "pca_components": self.pca_components.astype(np.float32),
            "tasks": np.array(sorted(self.heads), dtype=str),
        }
        for task, h in self.heads.items():
            arrays.update(h.inside.arrays(f"{task}__in__"))
            arrays.update(h.outside.arrays(f"{task}__out__"))
            arrays.update(h.memory.arrays(f"{task}__mem__"))
            arrays[f"{task}__y_range"] = np.array([h.y_min, h.y_max])
        fd, tmp = tempfile.mkstemp(dir=out, suffix=".npz.tmp")
        os.close(fd)
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; parameters are meant to be shared
        os.replace(tmp, out / PARAMS_FILE)
        fd, tmp = tempfile.mkstemp(dir=out, suffix=".json.tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.provenance, fh, indent=2, sort_keys=True, default=str)
            fh.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, out / PROVENANCE_FILE)
        return out

    @classmethod
    def load(cls, folder: str | os.PathLike | None = None) -> "OriginalityModel":
        """Load a params folder (default: the parameters shipped in the package)."""
        d = Path(folder) if folder is not None else DEFAULT_PARAMS_DIR
        f = d / PARAMS_FILE
        if not f.is_file():
            raise BenchError(
                "no originality parameters here",
                where=str(f),
                fix="point params= at a folder written by `creativity-bench train-scorer`",
            )
        try:
            z = np.load(f, allow_pickle=False)
            heads = {}
            for task in [str(t) for t in z["tasks"]]:
                lo, hi = (float(x) for x in z[f"{task}__y_range"])
                heads[task] = TaskHead(Linear.from_arrays(z, f"{task}__in__"), Linear.from_arrays(z, f"{task}__out__"),
                                       Memory.from_arrays(z, f"{task}__mem__"), lo, hi)
            model = cls(heads, z["pca_mean"].astype(np.float32), z["pca_components"].astype(np.float32))
        except (KeyError, ValueError, OSError) as exc:
            raise BenchError(f"unreadable originality parameters ({exc})", where=str(f), fix="refit with train-scorer") from exc
        prov = d / PROVENANCE_FILE
        if prov.is_file():
            model.provenance = json.loads(prov.read_text(encoding="utf-8"))
        return model


__all__ = [
    "DEFAULT_PARAMS_DIR",
    "Linear",
    "Memory",
    "OriginalityModel",
    "PARAMS_FILE",
    "PROVENANCE_FILE",
    "TaskHead",
    "in_domain_matrix",
    "normalise_item",
    "out_of_domain_matrix",
    "quantise",
]
