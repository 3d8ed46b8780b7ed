"""The scale of each rating dimension, which decides the statistics run on it.

Why: yes/no judgments, 1-5 points and slider values need different models and agreement
coefficients (pass rates and a binomial mixed model for binary; a cumulative-link model and
ordinal alpha for ordinal; a linear mixed model and ICCs for interval). A study config
declares each dimension's scale; a long CSV from another study carries none, so the scale
is inferred from the values with a note that says so, and ``--scale DIM=KIND`` overrides
either. A declared scale also bounds the values: ratings outside it are refused at the
boundary (see ``benchmark.schemas.ratings``). Without one, values far outside the range
that holds nearly all ratings are reported as a warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from benchmark.errors import BenchError

KINDS = ("binary", "ordinal", "interval", "continuous")
MAX_ORDINAL_LEVELS = 10  # 1-10 is still a rating scale; more integer levels are treated as interval
SCALE_FIX = "use --scale DIM=binary | DIM=ordinal:5 | DIM=ordinal:0-4 | DIM=interval[:0-100] | DIM=continuous (DIM * = every dimension)"


@dataclass(frozen=True)
class Scale:
    """``kind`` plus the bounds of the allowed values (None = unbounded).

    binary: values 0 and 1; ordinal: the integers ``low..high`` (``levels`` of them);
    interval: numbers in ``[low, high]`` when bounds are given; continuous: any finite number.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    source: str = "declared"  # declared (study config) | option (--scale) | inferred (from the values)

    @property
    def levels(self) -> int | None:
        if self.kind == "binary":
            return 2
        if self.kind == "ordinal" and self.low is not None and self.high is not None:
            return int(self.high - self.low + 1)
        return None

    def describe(self) -> str:
        if self.kind == "binary":
            return "binary (0 = no, 1 = yes)"
        if self.kind == "ordinal":
            return f"ordinal {self.levels}-point ({_num(self.low)}-{_num(self.high)})"
        if self.low is not None and self.high is not None:
            return f"{self.kind} ({_num(self.low)}-{_num(self.high)})"
        return self.kind

    def allows(self, values: pd.Series) -> pd.Series:
        """True where a value fits the scale (NaN counts as allowed: emptiness is checked elsewhere)."""
        v = pd.to_numeric(values, errors="coerce")
        ok = pd.Series(True, index=values.index)
        if self.kind == "binary":
            ok = v.isin([0, 1])
        elif self.kind == "ordinal":
            ok = (v == np.round(v)) & (v >= self.low) & (v <= self.high)
        elif self.low is not None and self.high is not None:
            ok = (v >= self.low) & (v <= self.high)
        return ok | v.isna()

    def to_dict(self) -> dict:
        return {"kind": self.kind, "low": self.low, "high": self.high, "levels": self.levels,
                "source": self.source, "description": self.describe()}


def _num(x: float | None) -> str:
    return "?" if x is None else (str(int(x)) if float(x).is_integer() else f"{x:g}")


def _bounds(text: str, where: str) -> tuple[float, float]:
    lo, sep, hi = text.partition("-")
    if text.startswith("-"):  # a negative lower bound: -2-2
        lo, sep, hi = text[1:].partition("-")
        lo = "-" + lo
    try:
        a, b = float(lo), float(hi)
    except ValueError:
        raise BenchError(f"cannot read the range '{text}'", where=where, fix=SCALE_FIX) from None
    if not sep or not (math.isfinite(a) and math.isfinite(b)) or a >= b:
        raise BenchError(f"'{text}' is not a range LOW-HIGH with LOW < HIGH", where=where, fix=SCALE_FIX)
    return a, b


def parse_scale(spec: str, *, where: str = "--scale", source: str = "option") -> Scale:
    """``binary``, ``ordinal:5`` (1..5), ``ordinal:0-4``, ``interval``, ``interval:0-100``, ``continuous``."""
    kind, _, arg = str(spec).strip().lower().partition(":")
    if kind not in KINDS:
        raise BenchError(f"unknown scale '{spec}'", where=where, fix=SCALE_FIX)
    if kind == "binary":
        if arg:
            raise BenchError("a binary scale takes no range (its values are 0 and 1)", where=where, fix=SCALE_FIX)
        return Scale("binary", 0.0, 1.0, source)
    if kind == "ordinal":
        if not arg:
            raise BenchError("an ordinal scale needs its levels, e.g. ordinal:5 or ordinal:0-4", where=where, fix=SCALE_FIX)
        if arg.isdigit():
            k = int(arg)
            if not 2 <= k <= 100:
                raise BenchError(f"an ordinal scale needs 2-100 levels, not {k}", where=where, fix=SCALE_FIX)
            return Scale("ordinal", 1.0, float(k), source)
        lo, hi = _bounds(arg, where)
        if not (lo.is_integer() and hi.is_integer()):
            raise BenchError(f"ordinal levels are integers, not '{arg}'", where=where, fix=SCALE_FIX)
        return Scale("ordinal", lo, hi, source)
    if arg:
        lo, hi = _bounds(arg, where)
        return Scale(kind, lo, hi, source)
    return Scale(kind, None, None, source)


def parse_scale_options(options: list[str] | None) -> dict[str, Scale]:
    """``["originality=binary", "*=ordinal:5"]`` -> {dimension: Scale}; ``*`` = every dimension."""
    out: dict[str, Scale] = {}
    for opt in options or []:
        dim, eq, spec = str(opt).partition("=")
        if not eq or not dim.strip() or not spec.strip():
            raise BenchError(f"--scale '{opt}' is not DIM=KIND", where="--scale", fix=SCALE_FIX)
        out[dim.strip()] = parse_scale(spec, where=f"--scale {opt}")
    return out


def scales_from_config(config: dict | None) -> dict[str, Scale]:
    """Declared scales of a study config: each dimension may carry ``scale`` (binary |
    ordinal | interval | continuous) with ``levels`` k (ordinal: 1..k) or ``min``/``max``;
    a study-wide ``scale: K`` (the store's 1..K rating scale) covers the others."""
    cfg = config or {}
    default = None
    if isinstance(cfg.get("scale"), (int, float)) and not isinstance(cfg.get("scale"), bool):
        default = Scale("ordinal", 1.0, float(cfg["scale"]), "declared")
    elif isinstance(cfg.get("scale"), str):
        default = parse_scale(cfg["scale"], where="study config 'scale'", source="declared")
    out: dict[str, Scale] = {}
    for d in cfg.get("dimensions") or []:
        name = d if isinstance(d, str) else d.get("name")
        if not name:
            continue
        kind = None if isinstance(d, str) else d.get("scale")
        if kind is None:
            if default is not None:
                out[str(name)] = default
            continue
        where = f"study config dimension '{name}'"
        kind = str(kind).lower()
        if kind == "ordinal" and d.get("levels") is not None and d.get("min") is None:
            out[str(name)] = parse_scale(f"ordinal:{int(d['levels'])}", where=where, source="declared")
        elif d.get("min") is not None and d.get("max") is not None:
            out[str(name)] = parse_scale(f"{kind}:{d['min']}-{d['max']}", where=where, source="declared")
        else:
            out[str(name)] = parse_scale(kind, where=where, source="declared")
    return out


def core_range(values: np.ndarray, stray_share: float = 0.05) -> tuple[float, float]:
    """The range of the ratings without stray far values: for integers, the run of levels
    (steps of at most 2, so one unused level does not split it) that holds the most
    ratings, when everything outside it is at most ``stray_share`` of the ratings;
    otherwise (and for non-integers) the observed range."""
    v = values[np.isfinite(values)]
    levels, counts = np.unique(v, return_counts=True)
    if len(levels) == 0:
        return (float("nan"), float("nan"))
    if not np.all(levels == np.round(levels)):
        return float(levels[0]), float(levels[-1])
    breaks = np.flatnonzero(np.diff(levels) > 2) + 1
    runs = np.split(np.arange(len(levels)), breaks)
    best = max(runs, key=lambda r: counts[r].sum())
    if counts.sum() - counts[best].sum() <= stray_share * counts.sum():
        return float(levels[best[0]]), float(levels[best[-1]])
    return float(levels[0]), float(levels[-1])


def infer_scale(values: pd.Series) -> Scale:
    """0/1 only -> binary; a few integer levels -> ordinal low..high; other integers ->
    interval; anything else -> continuous. Stray far values do not widen the range."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return Scale("continuous", None, None, "inferred")
    uniq = np.unique(v)
    if set(uniq.tolist()) <= {0.0, 1.0}:
        return Scale("binary", 0.0, 1.0, "inferred")
    lo, hi = core_range(v)
    if np.all(uniq == np.round(uniq)):
        if hi - lo + 1 <= MAX_ORDINAL_LEVELS and hi > lo:
            return Scale("ordinal", lo, hi, "inferred")
        return Scale("interval", lo, hi, "inferred")
    return Scale("continuous", lo, hi, "inferred")


def resolve_scales(likert: pd.DataFrame, declared: dict[str, Scale] | None = None,
                   options: dict[str, Scale] | None = None) -> tuple[dict[str, Scale], list[str]]:
    """Scale per dimension (option > declared > inferred) and the notes the report prints:
    which scales were inferred, and values outside the range that holds nearly all ratings
    of an undeclared dimension (a warning, not a refusal)."""
    declared, options = declared or {}, options or {}
    real = likert[~likert["is_check"]] if "is_check" in likert.columns else likert
    out: dict[str, Scale] = {}
    notes: list[str] = []
    for dim in sorted(real["dimension"].astype(str).unique()):
        vals = real.loc[real["dimension"] == dim, "value"]
        scale = options.get(dim) or options.get("*") or declared.get(dim)
        if scale is None:
            scale = infer_scale(vals)
            notes.append(f"{dim}: no declared scale; inferred {scale.describe()} from the values "
                         f"(override with --scale {dim}=KIND)")
            if scale.low is not None:
                v = pd.to_numeric(vals, errors="coerce")
                out_of = v[(v < scale.low) | (v > scale.high)]
                if len(out_of):
                    shown = ", ".join(_num(x) for x in sorted(out_of.unique())[:6])
                    notes.append(f"WARNING {dim}: {len(out_of)} rating(s) ({shown}) lie outside {_num(scale.low)}-"
                                 f"{_num(scale.high)}, the range of {1 - len(out_of) / len(v):.1%} of the ratings; "
                                 f"they are analysed as given; declare the scale (--scale {dim}=...) to refuse them")
        out[dim] = scale
    return out, notes
