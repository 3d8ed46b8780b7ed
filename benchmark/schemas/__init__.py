"""One validation layer for every table the tool reads (responses, ratings, battles,
guesses, scores, manifests).

Why: each command used to check its inputs its own way, so the same bad value was refused
by one command and silently dropped by another. Each table kind declares its schema once
(a ``pandera`` ``DataFrameSchema`` in a module of this package) and every reader calls
``validate_frame`` at the boundary: the first problem becomes one ``BenchError`` line that
names the file, the row, the column and the fix, and the number of further problems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from benchmark.errors import BenchError

if TYPE_CHECKING:  # pandera is imported when a table is validated, not when the CLI starts
    import pandera.pandas as pa


def _describe(check: str) -> str:
    """pandera's check names, in words."""
    check = str(check)
    if check == "not_nullable":
        return "is empty"
    if check.startswith("coerce_dtype(") or check.startswith("dtype("):
        want = check.split("(", 1)[1].rstrip(")").strip("'")
        return f"is not of type {want}"
    if check.startswith("field_uniqueness") or check.startswith("multiple_fields_uniqueness"):
        return "repeats a row that must be unique"
    if check == "column_in_dataframe":
        return "is missing"
    return f"fails {check}"


def validate_frame(df: pd.DataFrame, schema: "pa.DataFrameSchema", *, where: str, fix: str | None = None,
                   first_row: int = 1) -> pd.DataFrame:
    """Validate (and coerce) ``df``; raise one line on the first problem.

    ``first_row`` is the number a user sees for ``df``'s first row (1 = the first data row;
    for a CSV with a header, line ``row + 1``).
    """
    import pandera.pandas as pa

    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        # a failed coercion is reported once, before the checks it makes meaningless
        cases = cases.assign(_order=cases["check"].astype(str).str.startswith("coerce_dtype").map({True: 0, False: 1}))
        cases = cases.sort_values(["_order"], kind="stable")
        first = cases.iloc[0]
        column = first.get("column")
        index = first.get("index")
        value = first.get("failure_case")
        parts = []
        if index is not None and not pd.isna(index):
            try:
                parts.append(f"row {int(df.index.get_loc(index)) + first_row}")
            except (KeyError, TypeError):
                parts.append(f"row {index}")
        if str(first["check"]) == "column_in_dataframe":
            column, value = value, None
        if column is not None and not pd.isna(column):
            parts.append(f"column '{column}'")
        what = ", ".join(parts) or "table"
        if hasattr(value, "item"):  # numpy scalar -> plain Python for the message
            value = value.item()
        shown = "" if value is None or (isinstance(value, float) and pd.isna(value)) else f" (got {value!r})"
        more = len(cases.drop_duplicates(["column", "index"])) - 1
        tail = f"; {more} more problem(s)" if more > 0 else ""
        raise BenchError(f"{what} {_describe(first['check'])}{shown}{tail}", where=where, fix=fix) from None
    except pa.errors.SchemaError as exc:  # non-lazy errors (e.g. a missing column)
        raise BenchError(str(exc).splitlines()[0], where=where, fix=fix) from None


__all__ = ["check_repeats", "check_response_table", "check_sample_idx", "validate_frame"]
from benchmark.schemas.ratings import ratings_schema  # noqa: E402,F401  (likert, battles, guesses tables)
from benchmark.schemas.responses import check_repeats, check_response_table, check_sample_idx  # noqa: E402,F401  (responses, scores)
