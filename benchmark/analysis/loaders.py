"""Ratings input for the analysis: long-format files or the study store.

Why: ``analyze`` must take data from the app *and* from other studies without code, so
the three long formats (likert ratings, pairwise battles, turing guesses; docs/analysis.md)
are recognised from their columns, validated here, once, against their schemas
(``benchmark.schemas.ratings``: impossible values, non-finite numbers, values outside a
declared scale and exact repeats are refused with one line), and normalised.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.analysis.scales import Scale, scales_from_config
from benchmark.errors import BenchError
from benchmark.tabular import read_table

# the columns that identify each mode (the first match wins)
MODE_COLUMNS: dict[str, list[str]] = {
    "battles": ["left_source", "right_source", "winner"],
    "guesses": ["item_id", "rater_id", "source", "guess"],
    "likert": ["item_id", "rater_id", "dimension", "value"],
}


@dataclass
class StudyData:
    """The ratings of one study (or file): any of likert / battles / guesses, plus the
    optional published reference figures and responses (for validity) an importer supplies."""

    likert: pd.DataFrame | None = None
    battles: pd.DataFrame | None = None
    guesses: pd.DataFrame | None = None
    responses: pd.DataFrame | None = None
    reference: dict = field(default_factory=dict)
    origin: str = ""
    scales: dict[str, Scale] = field(default_factory=dict)  # declared by the study (config) or importer
    notes: list[str] = field(default_factory=list)  # what loading did (rows dropped, repeats kept)

    def modes(self) -> list[str]:
        return [m for m in ("likert", "battles", "guesses") if getattr(self, m) is not None]


def detect_mode(columns, where: str = "ratings") -> str:
    cols = set(columns)
    for mode, need in MODE_COLUMNS.items():
        if set(need) <= cols:
            return mode
    raise BenchError(
        f"cannot tell the kind of ratings from columns {', '.join(map(str, columns))}",
        where=where,
        fix="likert needs item_id,rater_id,dimension,value[,source]; battles need "
        "left_source,right_source,winner; guesses need item_id,rater_id,source,guess",
    )


def _as_bool(s: pd.Series) -> pd.Series:
    """true/false, 1/0, yes/no (any case) -> bool; anything else (empty cells) -> None."""
    if s.dtype == bool:
        return s
    words = {"true": True, "1": True, "1.0": True, "yes": True, "false": False, "0": False, "0.0": False, "no": False}
    return s.map(lambda v: words.get(str(v).strip().lower())).astype(object)


def normalise(df: pd.DataFrame, mode: str, where: str = "ratings") -> pd.DataFrame:
    """Type the columns of one mode; raise one clear line on unusable values."""
    df = df.copy()
    if mode == "likert":
        df["value"] = pd.to_numeric(df["value"], errors="coerce")
        bad = df["value"].isna().sum()
        if bad == len(df):
            raise BenchError("column 'value' has no numeric ratings", where=where, fix="values must be numbers (e.g. 1-5)")
        df = df[df["value"].notna()]
        for c in ("item_id", "rater_id", "dimension"):
            df[c] = df[c].astype(str)
        if "source" not in df.columns:
            df["source"] = "unknown"
        df["source"] = df["source"].astype(str)
        for c in ("is_check",):
            if c in df.columns:
                df[c] = _as_bool(df[c]).fillna(False).astype(bool)
        if "check_passed" in df.columns:
            df["check_passed"] = _as_bool(df["check_passed"])
        if "rt_s" in df.columns:
            df["rt_s"] = pd.to_numeric(df["rt_s"], errors="coerce")
    elif mode == "battles":
        for c in ("selection_prob", "left_length", "right_length", "left_lines", "right_lines"):
            if c in df.columns:
                df[c] = pd.to_numeric(df[c], errors="coerce")
        df["winner"] = df["winner"].astype(str).str.strip().str.lower()
        if "rater_id" not in df.columns:
            df["rater_id"] = "unknown"
        if "dimension" not in df.columns:
            df["dimension"] = "overall"
        df["dimension"] = df["dimension"].fillna("overall").astype(str)
    elif mode == "guesses":
        df["guess"] = df["guess"].astype(str).str.strip().str.lower()
        bad = sorted(set(df["guess"]) - {"human", "ai"})
        if bad:
            raise BenchError(f"unknown guess value(s) {bad[:5]}", where=where, fix="guesses must be 'human' or 'ai'")
        for c in ("item_id", "rater_id", "source"):
            df[c] = df[c].astype(str)
    if "usable" in df.columns:  # False = the study screened the rater out; missing = usable
        df["usable"] = _as_bool(df["usable"]).fillna(True).astype(bool)
    return df.reset_index(drop=True)


def _strip_lower(df: pd.DataFrame, col: str) -> pd.DataFrame:
    if col in df.columns:
        df[col] = df[col].map(lambda v: v.strip().lower() if isinstance(v, str) else v)
    return df


def validate(df: pd.DataFrame, mode: str, *, where: str, scales: dict[str, Scale] | None = None,
             allow_duplicates: bool = False, drop_invalid: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Check one table against its schema (one line and exit 2 on the first problem) and
    normalise it; returns the table and the notes for the report."""
    from benchmark.schemas import validate_frame
    from benchmark.schemas.ratings import FIXES, ratings_schema

    df = df.reset_index(drop=True)
    for col in ("winner", "guess"):
        df = _strip_lower(df.copy(), col)
    notes: list[str] = []
    invalid = pd.Series(False, index=df.index)
    if mode == "likert" and drop_invalid:
        v = pd.to_numeric(df["value"], errors="coerce")
        invalid = ~np.isfinite(v.to_numpy(float))
        invalid = pd.Series(invalid, index=df.index)
        if invalid.any():
            rows = ", ".join(str(i + 1) for i in np.flatnonzero(invalid.to_numpy())[:8])
            notes.append(f"{where}: dropped {int(invalid.sum())} rating(s) whose value is empty, not a number or "
                         f"infinite (--drop-invalid): row(s) {rows}{' ...' if invalid.sum() > 8 else ''}")
        df = df.assign(value=v.where(~invalid))  # empty now; the schema lets them pass and they go below
    schema = ratings_schema(mode, df, scales, allow_duplicates=allow_duplicates, value_nullable=drop_invalid)
    validate_frame(df, schema, where=where, fix=FIXES[mode])
    if allow_duplicates:
        reps = int(df.duplicated(keep="first").sum())
        if reps:
            notes.append(f"{where}: {reps} exact repeat row(s) kept (--allow-duplicates); each copy counts as a "
                         "separate rating")
    return normalise(df[~invalid], mode, where=where), notes


def load_ratings(paths: list[str | os.PathLike] | str | os.PathLike, *, scales: dict[str, Scale] | None = None,
                 allow_duplicates: bool = False, drop_invalid: bool = False) -> StudyData:
    """Read one or more long-format files (CSV/TSV/JSONL/Parquet); mode from columns.
    ``scales`` (from ``--scale``) bound the values; see ``validate`` for the flags."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    data = StudyData(origin=", ".join(str(p) for p in paths))
    for p in paths:
        df = read_table(p)
        mode = detect_mode(df.columns, where=str(p))
        df, notes = validate(df, mode, where=str(p), scales=scales, allow_duplicates=allow_duplicates,
                             drop_invalid=drop_invalid)
        data.notes += notes
        prev = getattr(data, mode)
        setattr(data, mode, df if prev is None else pd.concat([prev, df], ignore_index=True))
    return data


def load_study(db_url: str, study_id: str | None, *, scales: dict[str, Scale] | None = None,
               allow_duplicates: bool = False, drop_invalid: bool = False) -> StudyData:
    """Read a study from the ratings store (benchmark.studies.export_ratings); the scales
    its config declares bound the values (``scales`` from ``--scale`` take precedence)."""
    if not study_id:
        raise BenchError("--db needs --study ID", fix="pass the study id (see `creativity-bench study status`)")
    try:
        from benchmark.studies import export_ratings, open_store  # the studies stage owns the store
    except ImportError as exc:
        raise BenchError(f"the study store is unavailable ({exc})", fix="install the studies stage") from exc
    tables = export_ratings(db_url, study_id)
    declared = scales_from_config(open_store(db_url).get_study(study_id).get("config"))
    data = StudyData(origin=f"{db_url} study {study_id}", scales=declared)
    bounds = {**declared, **(scales or {})}
    for mode in ("likert", "battles", "guesses"):
        df = tables.get(mode)
        if df is not None and len(df):
            df, notes = validate(df, mode, where=f"study {study_id} {mode}", scales=bounds,
                                 allow_duplicates=allow_duplicates, drop_invalid=drop_invalid)
            setattr(data, mode, df)
            data.notes += notes
    if not data.modes():
        raise BenchError(f"study '{study_id}' has no ratings yet", where=db_url, fix="collect ratings first")
    return data


def load_responses(path: str | os.PathLike | None) -> pd.DataFrame | None:
    if path is None:
        return None
    return read_table(Path(path))
