"""The fitted originality model as plain arrays: per-task ridge heads and a codebook of rated responses.

Why this shape: on the ocsai data a ridge on frozen MiniLM features reaches r ~ .68 on
val, and how similar *rated* responses to the same object were rated reaches ~ .70 (people
rate near-identical ideas alike); a ridge that takes both (plus distances, length, rarity,
how common the answer is, and a per-object ridge on the response embedding) reaches ~ .76.
For an object the model has no ratings for, neither the codebook nor the object-specific
weights mean anything, so a second ridge on object-free features ([response embedding,
scalars]) scores it and the row is flagged ``out_of_domain``. That ridge is fitted to
ratings centred within each object (plus the grand mean): an unseen object's rating level
cannot be known, and centring stops the ridge spending its capacity on it
(leave-objects-out CV per task, within-object r: AUT .45 -> .50, Consequences .16 -> .22,
Instances .42 -> .56).

Why plain arrays: the shipped parameters are an ``.npz`` of numbers (no pickled sklearn
objects, so nothing executes on load and no scikit-learn version lock) plus a
``provenance.json``. Only derived figures are stored: fitted coefficients, a PCA basis,
and per object a k-means codebook (centroids, cluster mean ratings and counts, every
cluster >= ``codebook.MIN_CLUSTER`` responses; see codebook.py). No response text and no
per-response figure is stored.
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
from benchmark.scoring.originality.codebook import Codebook, quantise
from benchmark.scoring.originality.data import normalise_item
from benchmark.scoring.originality.features import FeatureBlocks

PARAMS_FILE = "params.npz"
PROVENANCE_FILE = "provenance.json"
DEFAULT_PARAMS_DIR = Path(__file__).resolve().parent / "params"


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
class ItemLinear:
    """Per item, a ridge map from the response embedding to its rating (object-specific taste)."""

    items: list[str]  # normalised item names, one row of ``coef`` each
    coef: np.ndarray  # (n_items, 384) float32
    intercept: np.ndarray  # (n_items,) float32

    def __post_init__(self) -> None:
        self._row = {normalise_item(name): i for i, name in enumerate(self.items)}

    def predict(self, text_emb: np.ndarray, items: Sequence[str]) -> np.ndarray:
        """Each row's own item's prediction (NaN: unknown item)."""
        rows = np.array([self._row.get(normalise_item(i), -1) for i in items], dtype=np.int64)
        out = np.full(len(rows), np.nan)
        ok = rows >= 0
        if ok.any():
            r = rows[ok]
            out[ok] = np.einsum("ij,ij->i", np.asarray(text_emb[ok], np.float32), self.coef[r].astype(np.float32)) + self.intercept[r]
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}items": np.array(self.items, dtype=str), f"{prefix}coef": self.coef.astype(np.float32),
                f"{prefix}intercept": self.intercept.astype(np.float32)}

    @classmethod
    def from_arrays(cls, z: Any, prefix: str) -> "ItemLinear":
        return cls([str(x) for x in z[f"{prefix}items"]], z[f"{prefix}coef"], z[f"{prefix}intercept"])


def in_domain_matrix(b: FeatureBlocks, neighbours: np.ndarray) -> np.ndarray:
    """``neighbours``: (n, 3) = codebook [neighbour mean rating, log density] + the per-item ridge."""
    return np.hstack([b.text, b.text * b.item, b.item, b.scalars, np.asarray(neighbours, np.float32).reshape(len(b), -1)])


def out_of_domain_matrix(b: FeatureBlocks) -> np.ndarray:
    return np.hstack([b.text, b.scalars])


@dataclass
class TaskHead:
    inside: Linear  # items with ratings in training: [text, text*item, item, scalars, codebook, item ridge]
    outside: Linear  # unseen items: [text, scalars], fitted to object-centred ratings
    codebook: Codebook
    item_linear: ItemLinear
    y_min: float
    y_max: float

    def neighbour_features(self, proj: np.ndarray, text_emb: np.ndarray, items: Sequence[str]) -> np.ndarray:
        """(n, 3): codebook features (PCA space) and the per-item ridge (NaN rows: unknown item)."""
        return np.column_stack([self.codebook.neighbour_features(proj, items), self.item_linear.predict(text_emb, items)])


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
        return head is not None and head.codebook.knows(item)

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
            neigh = head.neighbour_features(proj[idx], sub.text, sub_items)
            known = ~np.isnan(neigh).any(axis=1)
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
            arrays.update(h.codebook.arrays(f"{task}__cb__"))
            arrays.update(h.item_linear.arrays(f"{task}__item__"))
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
                                       Codebook.from_arrays(z, f"{task}__cb__"), ItemLinear.from_arrays(z, f"{task}__item__"), lo, hi)
            model = cls(heads, z["pca_mean"].astype(np.float32), z["pca_components"].astype(np.float32))
        except (KeyError, ValueError, OSError) as exc:
            raise BenchError(f"unreadable originality parameters ({exc})", where=str(f), fix="refit with train-scorer") from exc
        prov = d / PROVENANCE_FILE
        if prov.is_file():
            model.provenance = json.loads(prov.read_text(encoding="utf-8"))
        return model


__all__ = [
    "DEFAULT_PARAMS_DIR",
    "Codebook",
    "ItemLinear",
    "Linear",
    "OriginalityModel",
    "PARAMS_FILE",
    "PROVENANCE_FILE",
    "TaskHead",
    "in_domain_matrix",
    "normalise_item",
    "out_of_domain_matrix",
    "quantise",
]
