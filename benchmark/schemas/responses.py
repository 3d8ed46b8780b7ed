"""Schemas of response and score tables at the boundary: key columns, ``sample_idx`` and
exact repeats.

Why: a NaN ``sample_idx`` used to end in pandas' ``IntCastingNaNError`` traceback, and a
row given twice in a table without ``sample_idx`` silently became a second sample, so the
same text was scored, rated and ranked twice. ``score``, ``study create --human``,
``study import``, replay runs and ``leaderboard`` all call these checks where they read
the file, so the same bad row gets the same one-line answer everywhere.

How repeats are counted: two rows are exact repeats when every column holds the same
value. They are refused unless the caller passes ``allow_duplicates`` (the CLI's
``--allow-duplicates``); then each copy is kept and counted as its own sample (the k-th
copy gets ``sample_idx`` k in file order), which is what a table of independent answers
that happen to be identical means. Rows that differ in any column (a participant id, a
time) are never repeats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.schemas import validate_frame

if TYPE_CHECKING:
    import pandera.pandas as pa

DUPLICATES_FIX = ("remove the repeated rows, add a column that tells them apart (e.g. participant_id), "
                  "or pass --allow-duplicates to count each copy as its own sample")


def _whole() -> "pa.Check":
    import pandera.pandas as pa

    return pa.Check(lambda s: np.isfinite(s) & (s == np.round(s)) & (s >= 0), name="the check for a whole number >= 0",
                    ignore_na=False)


def sample_idx_schema() -> "pa.DataFrameSchema":
    """``sample_idx``, when a table has it: a whole number >= 0 on every row."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {"sample_idx": pa.Column(float, checks=[_whole()], nullable=False, coerce=True,
                                 required=False)},
        strict=False,
    )


def check_sample_idx(df: pd.DataFrame, where: str, first_row: int = 1) -> pd.DataFrame:
    """Refuse a missing, non-numeric, fractional or negative ``sample_idx``; return ``df``
    with the column as int (unchanged when it has none)."""
    if "sample_idx" not in df.columns:
        return df
    checked = validate_frame(df[["sample_idx"]], sample_idx_schema(), where=where, first_row=first_row,
                             fix="give every row a whole-number sample_idx (0, 1, ...), or leave the column out "
                                 "to number answers in file order")
    return df.assign(sample_idx=checked["sample_idx"].astype(int).to_numpy())


def _hashable_view(df: pd.DataFrame) -> pd.DataFrame:
    """Lists, arrays and dicts (``ideas``, ``details``) compared by their text."""
    out = {}
    for col in df.columns:
        s = df[col]
        if s.dtype == object and s.map(lambda v: isinstance(v, (list, dict, np.ndarray, set, tuple))).any():
            s = s.map(lambda v: repr(v.tolist() if isinstance(v, np.ndarray) else v))
        out[str(col)] = s
    return pd.DataFrame(out, index=df.index)


def check_repeats(df: pd.DataFrame, where: str, *, allow_duplicates: bool = False, first_row: int = 1,
                  how: str = "exactly (every column)", fix: str = DUPLICATES_FIX) -> pd.DataFrame:
    """Refuse rows that repeat an earlier row in every column of ``df``, unless allowed."""
    if allow_duplicates or len(df) < 2:
        return df
    view = _hashable_view(df).reset_index(drop=True)
    repeat = view.duplicated(keep="first")
    if repeat.any():
        row = int(np.flatnonzero(repeat.to_numpy())[0])
        before, this = view.iloc[:row], view.iloc[row]
        same = (before.eq(this) | (before.isna() & this.isna())).all(axis=1)
        earlier = int(np.flatnonzero(same.to_numpy())[0])
        raise BenchError(f"row {row + first_row} repeats row {earlier + first_row} {how}; "
                         f"{int(repeat.sum())} repeated row(s) in all", where=where, fix=fix)
    return df


def check_unique_key(df: pd.DataFrame, key: list[str] | tuple[str, ...], where: str | None, *,
                     fix: str = "give each answer its own sample_idx") -> pd.DataFrame:
    """Refuse two rows with the same response key (``key``: the key columns this table has),
    naming the first shared key; every reader that builds keys ends with this check."""
    key = list(key)
    dup = df.duplicated(key, keep=False)
    if dup.any():
        first = df.loc[dup, key].iloc[0]
        shown = ", ".join(f"{k} {first[k]}" for k in key)
        raise BenchError(f"{int(dup.sum())} rows share a response key ({shown})", where=where, fix=fix)
    return df


def check_response_table(df: pd.DataFrame, where: str, *, allow_duplicates: bool = False,
                         first_row: int = 1) -> pd.DataFrame:
    """The boundary checks every reader of a response table shares: exact repeats (only
    meaningful while ``sample_idx`` is absent: with it, the key check sees them) and a
    whole-number ``sample_idx``."""
    if "sample_idx" not in df.columns:
        return check_repeats(df, where, allow_duplicates=allow_duplicates, first_row=first_row)
    return check_sample_idx(df, where, first_row=first_row)


__all__ = ["DUPLICATES_FIX", "check_repeats", "check_response_table", "check_sample_idx", "check_unique_key",
           "sample_idx_schema"]
