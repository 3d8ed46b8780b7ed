"""The fitted originality model as plain arrays: standardiser, ridge, small MLP, blend.

Why plain arrays: the shipped parameters are an ``.npz`` of numbers (no pickled sklearn
objects, so no code runs on load and no version lock to scikit-learn) plus a
``provenance.json`` saying what they were fitted on. Prediction is a few matrix
products in numpy.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmark.errors import BenchError

PARAMS_FILE = "params.npz"
PROVENANCE_FILE = "provenance.json"
DEFAULT_PARAMS_DIR = Path(__file__).resolve().parent / "params"


@dataclass
class OriginalityModel:
    """``predict(X) = clip(w * ridge(z) + (1 - w) * mlp(z))`` with ``z`` the standardised X."""

    mean: np.ndarray
    scale: np.ndarray
    ridge_coef: np.ndarray
    ridge_intercept: float
    mlp_weights: list[np.ndarray] = field(default_factory=list)
    mlp_biases: list[np.ndarray] = field(default_factory=list)
    blend: float = 1.0  # weight of the ridge; 1.0 = ridge only
    y_min: float = 1.0
    y_max: float = 5.0
    items: dict[str, list[str]] = field(default_factory=dict)  # task -> training items (lower case)
    provenance: dict[str, Any] = field(default_factory=dict)

    def predict(self, X: np.ndarray) -> np.ndarray:
        if X.shape[1] != self.mean.shape[0]:
            raise BenchError(
                f"feature width {X.shape[1]} does not match the model's {self.mean.shape[0]}",
                fix="refit with `creativity-bench train-scorer` (the parameters are from another feature version)",
            )
        z = (X.astype(np.float64) - self.mean) / self.scale
        pred = z @ self.ridge_coef + self.ridge_intercept
        if self.mlp_weights and self.blend < 1.0:
            h = z
            for i, (w, b) in enumerate(zip(self.mlp_weights, self.mlp_biases)):
                h = h @ w + b
                if i < len(self.mlp_weights) - 1:
                    h = np.maximum(h, 0.0)  # relu, as sklearn's MLPRegressor default
            pred = self.blend * pred + (1.0 - self.blend) * h[:, 0]
        return np.clip(pred, self.y_min, self.y_max)

    def is_known_item(self, task: str, item: str) -> bool:
        return item.strip().lower() in set(self.items.get(task, ()))

    def save(self, folder: str | os.PathLike) -> Path:
        """Write params.npz + provenance.json atomically (temp files, then rename)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "mean": self.mean,
            "scale": self.scale,
            "ridge_coef": self.ridge_coef,
            "ridge_intercept": np.array(self.ridge_intercept),
            "blend": np.array(self.blend),
            "y_range": np.array([self.y_min, self.y_max]),
            "n_layers": np.array(len(self.mlp_weights)),
        }
        for i, (w, b) in enumerate(zip(self.mlp_weights, self.mlp_biases)):
            arrays[f"mlp_w{i}"] = w.astype(np.float32)
            arrays[f"mlp_b{i}"] = b.astype(np.float32)
        for task, items in self.items.items():
            arrays[f"items_{task}"] = np.array(sorted(items), dtype=str)
        fd, tmp = tempfile.mkstemp(dir=out, suffix=".npz.tmp")
        os.close(fd)
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(tmp, out / PARAMS_FILE)
        fd, tmp = tempfile.mkstemp(dir=out, suffix=".json.tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.provenance, fh, indent=2, sort_keys=True, default=str)
            fh.write("\n")
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
            n_layers = int(z["n_layers"])
            items = {k.removeprefix("items_"): [str(x) for x in z[k]] for k in z.files if k.startswith("items_")}
            y_min, y_max = (float(x) for x in z["y_range"])
            model = cls(
                mean=z["mean"].astype(np.float64),
                scale=z["scale"].astype(np.float64),
                ridge_coef=z["ridge_coef"].astype(np.float64),
                ridge_intercept=float(z["ridge_intercept"]),
                mlp_weights=[z[f"mlp_w{i}"].astype(np.float64) for i in range(n_layers)],
                mlp_biases=[z[f"mlp_b{i}"].astype(np.float64) for i in range(n_layers)],
                blend=float(z["blend"]),
                y_min=y_min,
                y_max=y_max,
                items=items,
            )
        except (KeyError, ValueError, OSError) as exc:
            raise BenchError(f"unreadable originality parameters ({exc})", where=str(f), fix="refit with train-scorer") from exc
        prov = d / PROVENANCE_FILE
        if prov.is_file():
            model.provenance = json.loads(prov.read_text(encoding="utf-8"))
        return model


__all__ = ["DEFAULT_PARAMS_DIR", "OriginalityModel", "PARAMS_FILE", "PROVENANCE_FILE"]
