"""Schemas of the three ratings tables ``analyze`` reads: likert ratings, pairwise battles,
turing guesses.

Why here: a rating of 33 on a 1-5 scale, an ``inf``, the text "abc" or a row given twice
used to flow into the statistics (a mean of 5.78, a singular mixed model, silently dropped
rows, ratings counted twice). Each table is now checked once, where it is read, and the
first problem is one line naming the file, the row, the column and the fix
(``benchmark.schemas.validate_frame``). The likert schema is built per file because the
allowed values depend on each row's dimension and its declared scale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

    from benchmark.analysis.scales import Scale

WINNERS = ("left", "right", "tie", "both_bad")
GUESSES = ("human", "ai")
# columns that give each battle an identity: only then are two equal rows a duplicate
# (a bare left,right,winner list repeats rows legitimately)
BATTLE_IDENTITY = ("battle_id", "submitted_at")


def _key(name: str, required: bool = True) -> "pa.Column":
    import pandera.pandas as pa

    return pa.Column(str, nullable=False, coerce=True, required=required, name=name)


def _finite() -> "pa.Check":
    import pandera.pandas as pa

    return pa.Check(lambda s: np.isfinite(s.astype(float)), name="the finite-number check", ignore_na=True)


def _unique(df: pd.DataFrame, allow_duplicates: bool) -> dict:
    if allow_duplicates:
        return {}
    return {"unique": [str(c) for c in df.columns], "report_duplicates": "exclude_first"}


def likert_schema(df: pd.DataFrame, scales: "dict[str, Scale] | None" = None, *,
                  allow_duplicates: bool = False, value_nullable: bool = False) -> "pa.DataFrameSchema":
    """item_id, rater_id, dimension (non-empty), value (a finite number inside its
    dimension's declared scale); exact duplicate rows refused unless allowed.
    ``value_nullable``: empty values pass (the caller drops them, with a note)."""
    import pandera.pandas as pa

    checks = [_finite()]
    scales = scales or {}
    if scales and "dimension" in df.columns:
        dims = df["dimension"].astype(str)
        for dim in sorted(dims.unique()):
            scale = scales.get(dim) or scales.get("*")
            if scale is None:
                continue
            rows = dims == dim

            def in_scale(values: pd.Series, scale=scale, rows=rows) -> pd.Series:
                m = rows.loc[values.index]
                return ~m | scale.allows(values)

            checks.append(pa.Check(in_scale, name=f"the scale of '{dim}', {scale.describe()}"))
    cols = {c: _key(c) for c in ("item_id", "rater_id", "dimension")}
    cols["value"] = pa.Column(float, nullable=value_nullable, coerce=True, checks=checks)
    cols["source"] = pa.Column(str, nullable=False, coerce=True, required=False)
    cols["rt_s"] = pa.Column(float, nullable=True, coerce=True, required=False,
                             checks=pa.Check.ge(0, ignore_na=True))
    return pa.DataFrameSchema(cols, strict=False, **_unique(df, allow_duplicates))


def battles_schema(df: pd.DataFrame, *, allow_duplicates: bool = False) -> "pa.DataFrameSchema":
    """left_source, right_source (non-empty), winner in left|right|tie|both_bad, an
    optional selection probability in (0, 1]; duplicates only where battles have an id."""
    import pandera.pandas as pa

    cols = {c: _key(c) for c in ("left_source", "right_source")}
    cols["winner"] = pa.Column(str, nullable=False, coerce=True, checks=pa.Check.isin(WINNERS))
    cols["selection_prob"] = pa.Column(float, nullable=False, coerce=True, required=False,
                                       checks=[pa.Check.gt(0), pa.Check.le(1)])
    for side in ("left", "right"):
        cols[f"{side}_length"] = pa.Column(float, nullable=True, coerce=True, required=False,
                                           checks=[pa.Check.ge(0, ignore_na=True), _finite()])
    has_id = any(c in df.columns for c in BATTLE_IDENTITY)
    return pa.DataFrameSchema(cols, strict=False, **_unique(df, allow_duplicates or not has_id))


def guesses_schema(df: pd.DataFrame, *, allow_duplicates: bool = False) -> "pa.DataFrameSchema":
    """item_id, rater_id, source (non-empty), guess in human|ai, optional numeric confidence."""
    import pandera.pandas as pa

    cols = {c: _key(c) for c in ("item_id", "rater_id", "source")}
    cols["guess"] = pa.Column(str, nullable=False, coerce=True, checks=pa.Check.isin(GUESSES))
    cols["confidence"] = pa.Column(float, nullable=True, coerce=True, required=False, checks=_finite())
    return pa.DataFrameSchema(cols, strict=False, **_unique(df, allow_duplicates))


FIXES = {
    "likert": "values must be finite numbers inside the dimension's scale (declare it with --scale DIM=KIND); "
              "empty or non-numeric values can be dropped with --drop-invalid; exact repeats are kept only "
              "with --allow-duplicates",
    "battles": "winner must be left, right, tie or both_bad; selection_prob in (0, 1]; "
               "exact repeats of a battle are kept only with --allow-duplicates",
    "guesses": "guess must be human or ai; exact repeats are kept only with --allow-duplicates",
}


def ratings_schema(mode: str, df: pd.DataFrame, scales: "dict[str, Scale] | None" = None, *,
                   allow_duplicates: bool = False, value_nullable: bool = False) -> "pa.DataFrameSchema":
    """The schema of one ratings table kind (likert | battles | guesses)."""
    if mode == "likert":
        return likert_schema(df, scales, allow_duplicates=allow_duplicates, value_nullable=value_nullable)
    if mode == "battles":
        return battles_schema(df, allow_duplicates=allow_duplicates)
    return guesses_schema(df, allow_duplicates=allow_duplicates)


__all__ = ["BATTLE_IDENTITY", "FIXES", "GUESSES", "WINNERS", "battles_schema", "guesses_schema", "likert_schema",
           "ratings_schema"]
