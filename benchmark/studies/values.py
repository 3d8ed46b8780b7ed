"""What an answer may be, per mode and per declared scale, and whether a check was passed.

Why here and not in the app: the store refuses an impossible value whatever sent it (a
page, a script, a resent form), so "a 1-5 scale holds 1-5" is a property of the data.
A dimension declares its scale (``binary`` | ``ordinal`` with ``levels`` | ``interval`` |
``continuous`` with ``min``/``max``); a dimension without one is ordinal 5-point, which is
what every study before scales existed used.
"""

from __future__ import annotations

import math
from typing import Any

from benchmark.errors import BenchError

SCALES = ("binary", "ordinal", "interval", "continuous")
PAIRWISE_CHOICES = ("left", "right", "tie", "both_bad")
TURING_GUESSES = ("human", "ai")
RATED_MODES = ("likert", "checklist")  # modes whose answers are one value per dimension
_YES = {"1", "yes", "y", "true", "pass"}
_NO = {"0", "no", "n", "false", "fail"}


def scale_of(dim: dict, default_levels: int = 5) -> dict:
    """A dimension's scale in full: ``{"scale", "levels"|"min"/"max"}``."""
    scale = dim.get("scale") or "ordinal"
    if scale == "binary":
        return {"scale": "binary", "min": 0, "max": 1}
    if scale == "ordinal":
        return {"scale": "ordinal", "levels": int(dim.get("levels") or default_levels)}
    return {"scale": scale, "min": float(dim.get("min", 0)), "max": float(dim.get("max", 100))}


def dims_for(cfg: dict, dimset: str | None) -> list[dict]:
    """The dimensions an item is rated on: its set, or the study's dimensions."""
    sets = cfg.get("dimension_sets") or {}
    if dimset is not None and dimset in sets:
        return sets[dimset]
    return cfg.get("dimensions", [])


def _one(dim: dict, raw: Any, default_levels: int) -> str:
    name = dim["name"]
    sc = scale_of(dim, default_levels)
    if sc["scale"] == "binary":
        word = str(raw).strip().lower()
        if isinstance(raw, bool):
            return "1" if raw else "0"
        if word in _YES:
            return "1"
        if word in _NO:
            return "0"
        raise BenchError(f"answer '{raw}' for {name} is not yes (1) or no (0)")
    try:
        v = float(raw)
    except (TypeError, ValueError):
        raise BenchError(f"rating '{raw}' for {name} is not a number") from None
    if not math.isfinite(v):
        raise BenchError(f"rating {raw} for {name} is not a finite number")
    if sc["scale"] == "ordinal":
        if v != int(v) or not 1 <= v <= sc["levels"]:
            raise BenchError(f"rating {raw} for {name} is outside 1-{sc['levels']}")
        return str(int(v))
    if not sc["min"] <= v <= sc["max"]:
        raise BenchError(f"rating {raw} for {name} is outside {sc['min']:g}-{sc['max']:g}")
    if sc["scale"] == "interval" and v == int(v):
        return str(int(v))
    return repr(v)[:20]


def validate_values(mode: str, cfg: dict, values: dict[str, Any], dims: list[dict] | None = None) -> dict[str, str]:
    """Check an answer against the study's mode and scales; return it as stored strings."""
    if mode in RATED_MODES:
        dims = dims if dims is not None else cfg.get("dimensions", [])
        missing = [d["name"] for d in dims if values.get(d["name"]) in (None, "")]
        if missing:
            what = "answer" if mode == "checklist" else "rating"
            raise BenchError(f"missing {what} for {', '.join(missing)}", fix="answer every question")
        default_levels = int(cfg.get("scale", 5)) if str(cfg.get("scale", 5)).isdigit() else 5
        return {d["name"]: _one(d, values[d["name"]], default_levels) for d in dims}
    if mode == "pairwise":
        names = [d["name"] for d in cfg.get("dimensions", [])] or ["creativity"]
        out = {}
        for d in names:
            v = str(values.get(d, ""))
            if v not in PAIRWISE_CHOICES:
                raise BenchError(f"choice '{v}' for {d} is not one of {', '.join(PAIRWISE_CHOICES)}")
            out[d] = v
        return out
    if mode == "turing":
        guess = str(values.get("guess", "")).lower()
        if guess not in TURING_GUESSES:
            raise BenchError(f"guess '{guess}' is not human or ai")
        try:
            conf = int(values.get("confidence", 0) or 0)
        except (TypeError, ValueError):
            conf = 0
        if not 1 <= conf <= 5:
            raise BenchError(f"confidence {values.get('confidence')} is outside 1-5")
        return {"guess": guess, "confidence": str(conf)}
    raise BenchError(f"study mode '{mode}' takes no ratings")


def clean_reasons(reasons: dict[str, Any] | None, values: dict[str, str], limit: int = 2000) -> dict[str, str | None]:
    """Checklist reasons: optional free text per test, trimmed and bounded in length."""
    out: dict[str, str | None] = {}
    for name in values:
        text = str((reasons or {}).get(name) or "").replace("\x00", "").strip()
        out[name] = text[:limit] or None
    return out


def check_passed(mode: str | None, expected: dict, values: dict[str, str], swapped: bool,
                 text_a: str, text_b: str | None) -> bool:
    """Did an attention check or gold item get the expected answer?"""
    if mode in RATED_MODES:
        tol = float(expected.get("tolerance", 0))
        want = expected.get("values", {})
        return all(abs(float(values[d]) - float(v)) <= tol for d, v in want.items() if d in values)
    if mode == "pairwise":
        shown = {"left": text_b if swapped else text_a, "right": text_a if swapped else text_b}
        want = expected.get("winner_text")
        return all(shown.get(v) == want for v in values.values())
    if mode == "turing":
        ok = values.get("guess") == expected.get("guess")
        if "confidence" in expected:
            ok = ok and int(values.get("confidence", 0)) == int(expected["confidence"])
        return ok
    return False
