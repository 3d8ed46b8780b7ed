"""``-M key=value`` options: parsed once, with the obvious type for each value.

``-M n_ctx=2048`` must reach a backend as an int and ``-M verbose=true`` as a bool, so
the CLI and library callers share one parser instead of every backend casting strings.
"""

from __future__ import annotations

from typing import Any, Iterable

from benchmark.errors import BenchError

_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


def coerce_value(text: str) -> Any:
    """``"3"`` -> 3, ``"0.5"`` -> 0.5, ``"true"`` -> True, ``"none"`` -> None, else the string."""
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    if low in {"none", "null"}:
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def number_option(options: dict[str, Any], key: str, default: float | int, *, where: str, integer: bool = False,
                  minimum: float | None = None, above: float | None = None) -> float | int:
    """A numeric ``-M key=value``, checked when the backend is built: ``-M timeout=abc`` or
    ``-M timeout=0`` used to surface as a traceback, or as every unit failing, long after
    the run started."""
    import math

    value = options.get(key, default)
    kind = "a whole number" if integer else "a number"
    bounds = f" of at least {minimum:g}" if minimum is not None else f" above {above:g}" if above is not None else ""
    bad = BenchError(f"-M {key}={value} must be {kind}{bounds}", where=where, fix=f"e.g. -M {key}={default}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise bad
    if (integer and value != int(value)) or (minimum is not None and value < minimum) or \
            (above is not None and value <= above):
        raise bad
    return int(value) if integer else float(value)


def parse_model_options(pairs: Iterable[str] | None) -> dict[str, Any]:
    """Parse ``["key=value", ...]``; a pair without ``=`` or with an empty key is an error."""
    out: dict[str, Any] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key or not key.replace("_", "").isalnum():
            raise BenchError(f"bad model option '-M {pair}'", fix="write -M key=value, e.g. -M base_url=http://127.0.0.1:8000/v1")
        out[key] = coerce_value(value)
    return out
