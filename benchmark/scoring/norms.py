"""Human norms: where a score stands among real people.

A norm file (``tasks/norms/<name>.json``) holds, for one human data set, the distribution
of each scorer's values per task and per item - n, mean, SD and the quantiles at
``GRID`` (0, 1, ..., 100) - plus provenance (data, citation, scorer name and version,
embeddings, n, date and the command that rebuilds it). No raw responses are stored.

``human_percentile(task_id, item_id, scorer, value)`` places a value in the item's
distribution when that item has a norm (at least ``MIN_ITEM_N`` people), in the task's
otherwise, and is NaN when there is none. A norm is used only for the exact scorer
version it was computed with (same scorer, same embeddings), because e.g. DAT on GloVe
6B and on 840B differ by ~6 points. Ties (counts, 0/1 accuracy) use the mid-rank rule:
percentile = P(X < v) + P(X = v) / 2.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.paths import norms_dir

GRID = np.arange(0, 101, dtype=float)
MIN_ITEM_N = 20
FORMAT = "creativity-bench-norms/1"


@dataclass(frozen=True)
class Distribution:
    """n, mean, sd and the quantiles at ``GRID`` of one set of human scores."""

    n: int
    mean: float
    sd: float
    quantiles: tuple[float, ...]
    kind: str = "quantiles"

    @classmethod
    def from_values(cls, values: Iterable[float]) -> "Distribution":
        v = np.asarray([x for x in values if x is not None and not math.isnan(float(x))], dtype=float)
        if v.size == 0:
            raise ValueError("no values")
        q = np.percentile(v, GRID)
        return cls(int(v.size), float(v.mean()), float(v.std(ddof=1)) if v.size > 1 else 0.0,
                   tuple(round(float(x), 6) for x in q))

    @classmethod
    def bernoulli(cls, p: float, n: int) -> "Distribution":
        """A 0/1 outcome solved by a share ``p`` of ``n`` people (e.g. RAT solve rates)."""
        q = np.where(GRID / 100.0 < 1.0 - p, 0.0, 1.0)
        q[-1] = 1.0 if p > 0 else 0.0
        q[0] = 0.0 if p < 1 else 1.0
        return cls(int(n), float(p), float(math.sqrt(p * (1 - p))), tuple(float(x) for x in q), "bernoulli")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "mean": round(self.mean, 6), "sd": round(self.sd, 6)}
        if self.kind == "bernoulli":  # the quantiles follow from the solve rate
            return {**out, "kind": "bernoulli"}
        return {**out, "quantiles": list(self.quantiles)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Distribution":
        if d.get("kind") == "bernoulli":
            return cls.bernoulli(float(d["mean"]), int(d["n"]))
        q = d["quantiles"]
        if len(q) != len(GRID):
            raise ValueError(f"expected {len(GRID)} quantiles, got {len(q)}")
        return cls(int(d["n"]), float(d["mean"]), float(d["sd"]), tuple(float(x) for x in q))

    def percentiles(self, values: np.ndarray) -> np.ndarray:
        """``percentile`` of every value at once (same rule, vectorised; NaN stays NaN)."""
        v = np.asarray(values, dtype=float)
        q = np.asarray(self.quantiles)
        grid = np.asarray(GRID, dtype=float)
        lo = np.searchsorted(q, v, side="left")
        hi = np.searchsorted(q, v, side="right")
        lo_c = np.clip(lo, 1, len(q) - 1)
        x0, x1 = q[lo_c - 1], q[lo_c]
        with np.errstate(invalid="ignore", divide="ignore"):
            inter = grid[lo_c - 1] + (grid[lo_c] - grid[lo_c - 1]) * (v - x0) / (x1 - x0)
        tie = (grid[np.clip(lo, 0, len(q) - 1)] + grid[np.clip(hi - 1, 0, len(q) - 1)]) / 2.0
        out = np.where(hi > lo, tie, inter)
        out = np.where(v < q[0], 0.0, np.where(v > q[-1], 100.0, out))
        return np.where(np.isnan(v), np.nan, out)

    def percentile(self, value: float) -> float:
        """0-100: mid-rank percentile of ``value`` read off the stored quantiles."""
        if value is None or math.isnan(float(value)):
            return float("nan")
        q = np.asarray(self.quantiles)
        v = float(value)
        if v < q[0]:
            return 0.0
        if v > q[-1]:
            return 100.0
        lo = int(np.searchsorted(q, v, side="left"))
        hi = int(np.searchsorted(q, v, side="right"))
        if hi > lo:  # v equals one or more quantiles: the middle of that run
            return float((GRID[lo] + GRID[hi - 1]) / 2.0)
        x0, x1 = q[lo - 1], q[lo]
        return float(GRID[lo - 1] + (GRID[lo] - GRID[lo - 1]) * (v - x0) / (x1 - x0))


@dataclass
class NormEntry:
    """Norms of one scorer (one version) on one task, task-level and per item."""

    norm_id: str
    task_id: str
    scorer: str
    scorer_version: str
    task: Distribution
    items: dict[str, Distribution] = field(default_factory=dict)
    any_version: bool = False
    use_for_percentiles: bool = True
    stale: bool = False  # computed with parameters the scorer no longer ships
    unit: str = "response"  # "idea" when each human row was a single idea (ocsai)

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id, "scorer": self.scorer, "scorer_version": self.scorer_version,
            "any_version": self.any_version, "use_for_percentiles": self.use_for_percentiles, "unit": self.unit,
            "task": self.task.to_json(), "items": {k: v.to_json() for k, v in sorted(self.items.items())},
        }


def entry_from_scores(task_id: str, scorer: str, scorer_version: str, scores: pd.DataFrame,
                      min_item_n: int = MIN_ITEM_N, **flags: Any) -> NormEntry:
    """Task- and item-level distributions from a score table (``item_id``, ``value``)."""
    ok = scores[pd.to_numeric(scores["value"], errors="coerce").notna()]
    if ok.empty:
        raise BenchError(f"no {scorer} scores for task {task_id} to build a norm from",
                         fix="check that the scorer applies to this data")
    items = {str(k): Distribution.from_values(g["value"].astype(float))
             for k, g in ok.groupby("item_id") if len(g) >= min_item_n}
    return NormEntry("", task_id, scorer, scorer_version, Distribution.from_values(ok["value"].astype(float)),
                     items, **flags)


def write_norm_file(path: str | Path, name: str, provenance: dict[str, Any], entries: list[NormEntry],
                    label: str = "human", description: str = "") -> Path:
    """Write a norm file atomically (figures and provenance only, no raw data)."""
    from benchmark.tabular import write_text_atomic

    if label != "human" and entries and any(e.use_for_percentiles for e in entries):
        raise BenchError("only human data can serve as a norm", fix="mark the entries use_for_percentiles=False")
    doc = {
        "format": FORMAT, "name": name, "label": label, "description": description,
        "provenance": provenance, "grid": GRID.tolist(),
        "entries": [e.to_json() for e in entries],
    }
    text = json.dumps(doc, indent=1, sort_keys=False)
    # number lists (grid, quantiles) on one line each: the file stays readable in a diff
    text = re.sub(r"\[\s+([-+0-9.eE,\s]+?)\s+\]", lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    written = write_text_atomic(path, text + "\n")
    _index.cache_clear()  # later lookups in this process see the new figures
    return written


class NormIndex:
    """All norm files of a folder, indexed by (task_id, scorer)."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else norms_dir()
        self.entries: dict[tuple[str, str], list[NormEntry]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("format") != FORMAT:
                return
            name = str(doc.get("name") or path.stem)
            self.files[name] = {k: v for k, v in doc.items() if k != "entries"}
            stale = _stale_params(doc.get("provenance") or {})
            for raw in doc["entries"]:
                e = NormEntry(
                    norm_id=f"{name}:{raw['task_id']}:{raw['scorer']}",
                    task_id=raw["task_id"], scorer=raw["scorer"], scorer_version=str(raw["scorer_version"]),
                    task=Distribution.from_json(raw["task"]),
                    items={k: Distribution.from_json(v) for k, v in raw.get("items", {}).items()},
                    any_version=bool(raw.get("any_version", False)),
                    use_for_percentiles=bool(raw.get("use_for_percentiles", True)) and doc.get("label") == "human"
                    and raw["scorer"] not in stale,
                    stale=raw["scorer"] in stale,
                    unit=str(raw.get("unit", "response")),
                )
                self.entries.setdefault((e.task_id, e.scorer), []).append(e)
        except (ValueError, KeyError, TypeError) as exc:
            raise BenchError(f"malformed norm file: {exc}", where=str(path),
                             fix="rebuild it with `creativity-bench norms build`") from exc

    def candidates(self, task_id: str, scorer: str, scorer_version: str | None = None) -> list[NormEntry]:
        """Usable norms for this scorer version on this task, best first: exact version,
        then version-free ones; whole-response norms before per-idea ones."""
        cands = [e for e in self.entries.get((str(task_id), str(scorer)), []) if e.use_for_percentiles]
        exact = [e for e in cands if scorer_version is None or e.scorer_version == str(scorer_version)]
        chosen = exact or [e for e in cands if e.any_version]
        return sorted(chosen, key=lambda e: e.unit != "response")

    def find(self, task_id: str, scorer: str, scorer_version: str | None = None) -> NormEntry | None:
        """The task-level norm used for this scorer version on this task."""
        cands = self.candidates(task_id, scorer, scorer_version)
        return cands[0] if cands else None

    def lookup(self, task_id: str, item_id: str | None, scorer: str, value: float,
               scorer_version: str | None = None) -> tuple[float, str | None]:
        """(percentile 0-100 or NaN, norm id with ``#item`` when item-level).

        An item-level norm from any candidate beats a task-level one."""
        cands = self.candidates(task_id, scorer, scorer_version)
        if not cands or value is None or math.isnan(float(value)):
            return float("nan"), None
        for e in cands:
            if item_id is not None and str(item_id) in e.items:
                return e.items[str(item_id)].percentile(value), f"{e.norm_id}#{item_id}"
        e = cands[0]
        return e.task.percentile(value), e.norm_id


def _stale_params(prov: dict[str, Any]) -> set[str]:
    """Scorers whose shipped parameters changed since the norm was computed.

    The learned originality scorer keeps its version across refits, so a norm records
    the digest of the params it was computed with and is not used after a refit.
    """
    facts = prov.get("originality_params")
    if not facts:
        return set()
    try:
        import hashlib

        from benchmark.scoring.originality.model import DEFAULT_PARAMS_DIR, PARAMS_FILE

        current = hashlib.sha256((DEFAULT_PARAMS_DIR / PARAMS_FILE).read_bytes()).hexdigest()[:16]
    except (ImportError, OSError):
        return {"originality"}
    return set() if current == facts.get("sha256_16") else {"originality"}


@lru_cache(maxsize=8)
def _index(folder: str) -> NormIndex:
    return NormIndex(Path(folder))


def load_norms(folder: str | Path | None = None) -> NormIndex:
    """The (cached) norm index of ``tasks/norms`` or another folder."""
    return _index(str(Path(folder) if folder is not None else norms_dir()))


def human_percentile(task_id: str, item_id: str | None, scorer: str, value: float,
                     scorer_version: str | None = None, folder: str | Path | None = None) -> float:
    """Percentile (0-100) of ``value`` among people; NaN when no human norm exists."""
    return load_norms(folder).lookup(task_id, item_id, scorer, value, scorer_version)[0]


def attach_percentiles(scores: pd.DataFrame, folder: str | Path | None = None) -> pd.DataFrame:
    """Add ``human_percentile`` and ``norm_id`` to a score table.

    Vectorised per (task, scorer, version, item): the norm is chosen once per group (as
    ``NormIndex.lookup`` does per row) and its quantiles read for all the group's values.
    """
    index = load_norms(folder)
    out = scores.copy()
    pct = np.full(len(out), np.nan)
    ids = np.full(len(out), None, dtype=object)
    values = pd.to_numeric(out["value"], errors="coerce").to_numpy(dtype=float)
    keys = out[["task_id", "scorer", "scorer_version", "item_id"]].astype(str)
    for (task_id, scorer, version, item_id), pos in keys.groupby(list(keys.columns), sort=False).indices.items():
        cands = index.candidates(task_id, scorer, version)
        if not cands:
            continue
        entry = next((e for e in cands if item_id in e.items), None)
        dist, nid = (entry.items[item_id], f"{entry.norm_id}#{item_id}") if entry is not None else (cands[0].task, cands[0].norm_id)
        vals = values[pos]
        pct[pos] = dist.percentiles(vals)
        ids[pos] = np.where(np.isnan(vals), None, nid)
    out["human_percentile"] = pct
    out["norm_id"] = pd.Series(list(ids), index=out.index, dtype=object)
    return out


def source_summary(scores: pd.DataFrame, folder: str | Path | None = None) -> pd.DataFrame:
    """Per source x task x scorer: n, mean value, and where that mean stands among people.

    ``human_percentile`` is the percentile of the source's mean in the task-level human
    distribution (how a typical answer of this source compares with one person's);
    ``mean_row_percentile`` is the mean of the rows' own (item-level) percentiles.
    """
    index = load_norms(folder)
    rows = []
    for (source, task_id, scorer, version), g in scores.groupby(["source", "task_id", "scorer", "scorer_version"], sort=True):
        vals = pd.to_numeric(g["value"], errors="coerce")
        mean = float(vals.mean()) if vals.notna().any() else float("nan")
        e = index.find(task_id, scorer, version)
        rows.append({
            "source": source, "task_id": task_id, "scorer": scorer, "n": int(vals.notna().sum()),
            "n_nan": int(vals.isna().sum()), "mean": mean,
            "human_percentile": e.task.percentile(mean) if e is not None else float("nan"),
            "mean_row_percentile": float(g["human_percentile"].mean()) if "human_percentile" in g else float("nan"),
            "norm_id": e.norm_id if e is not None else None,
        })
    return pd.DataFrame(rows)


__all__ = [
    "Distribution", "GRID", "MIN_ITEM_N", "NormEntry", "NormIndex", "attach_percentiles", "entry_from_scores",
    "human_percentile", "load_norms", "source_summary", "write_norm_file",
]
