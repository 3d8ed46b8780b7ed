"""The scorer protocol and registry.

A scorer takes a DataFrame of responses and returns one score row per response:
the response key (``task_id, task_version, item_id, source, sample_idx``) plus
``scorer``, ``scorer_version``, ``value`` (float; NaN when no score can be given) and
``details`` (a JSON string: sub-scores, flags such as ``out_of_domain``, and the
``reason`` whenever ``value`` is NaN; never a silent zero).

Input columns a scorer may rely on: the response key, ``text``, ``ideas`` (list of
strings or None), ``item`` (the stimulus: the AUT object, the scenario, the RAT cues),
``family`` and, where a task has one, ``solution``. ``benchmark.scoring.prepare``
fills ``item``/``family``/``solution`` from the task suite when they are missing.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from benchmark.records import RESPONSE_KEY, SCORE_COLUMNS
from benchmark.registry import Registry


@runtime_checkable
class Scorer(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        """Return SCORE_COLUMNS rows, one per input row, in input order."""
        ...


# name -> "module:Class" (lazy) or the class itself
scorers: Registry[Any] = Registry("scorer")


def get_scorer(name: str, **options: Any) -> Scorer:
    """Instantiate a registered scorer; unknown names get a did-you-mean hint."""
    cls = scorers.get(name)
    return cls(**options)


def score_frame(
    responses: pd.DataFrame,
    scorer: str,
    version: str,
    values: "list[float] | np.ndarray",
    details: "list[dict[str, Any]] | None" = None,
) -> pd.DataFrame:
    """Assemble a score table from per-row values and details (helper for scorers)."""
    n = len(responses)
    details = details if details is not None else [{} for _ in range(n)]
    out = responses[RESPONSE_KEY].copy().reset_index(drop=True)
    out["scorer"] = scorer
    out["scorer_version"] = version
    out["value"] = np.asarray(values, dtype=float)
    out["details"] = [_dumps(d) for d in details]
    return out[SCORE_COLUMNS]


def _dumps(d: dict[str, Any]) -> str:
    """Sorted-key JSON (orjson: the details of 400k scores are a measurable share of a re-score)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib gives the same JSON
        return json.dumps(d, default=_json_default, sort_keys=True)
    try:
        return orjson.dumps(d, default=_json_default, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY
                            | orjson.OPT_NON_STR_KEYS).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):  # NaN/inf or an odd type: the stdlib's rules
        return json.dumps(d, default=_json_default, sort_keys=True)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)
