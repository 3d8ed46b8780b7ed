"""Published, normed Remote Associates item sets (e.g. Bowden & Jung-Beeman 2003).

The project's own RAT items are written for it; a published set comes from the user's
file (never copied into the repo) and brings what ours cannot: the share of people
who solved each item within a time limit, which is the human baseline a model's
accuracy is compared with. Items are rendered with the project's ``rat`` task template
so prompts are identical to the project's items.

Accepted columns: ``cue1, cue2, cue3`` (or one ``cues`` column, space/comma separated),
``solution`` (alternatives separated by '/'), and one or more solve-rate columns named
``pct_solved_<T>s[_n<N>]`` (percent) or ``solve_rate_<T>s`` (fraction).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from benchmark.errors import BenchError
from benchmark.tasks.loader import load_task, make_item
from benchmark.tasks.task import TaskItem

if TYPE_CHECKING:  # pandas is imported only when a published set is actually read
    import pandas as pd

_RATE = re.compile(r"^(?P<pct>pct_)?(?:solved|solve_rate)_(?P<t>\d+(?:\.\d+)?)s(?:_n(?P<n>\d+))?$")
_OTHER_NUMERIC = re.compile(r"^(mean|sd)_rt_\d+(?:\.\d+)?s$")


def _cues(row: pd.Series, has_split: bool) -> list[str]:
    if has_split:
        return [str(row[c]).strip().lower() for c in ("cue1", "cue2", "cue3")]
    return [c.lower() for c in re.split(r"[\s,;]+", str(row["cues"]).strip()) if c]


def _rate_columns(df: pd.DataFrame, where: str) -> dict[str, tuple[str, bool, int | None]]:
    """column -> (limit label like '2s', is_percent, n participants)."""
    found: dict[str, tuple[str, bool, int | None]] = {}
    for col in df.columns:
        m = _RATE.match(str(col))
        if m:
            found[col] = (f"{m.group('t')}s", bool(m.group("pct")), int(m.group("n")) if m.group("n") else None)
    if not found:
        raise BenchError(
            f"no solve-rate column; found {', '.join(map(str, df.columns))}", where=where,
            fix="add pct_solved_<T>s (percent) or solve_rate_<T>s (fraction) columns, e.g. pct_solved_15s",
        )
    return found


def rat_baseline(path: str | Path) -> pd.DataFrame:
    """One row per published item: cues, solution and solve rates in [0, 1] (the human baseline)."""
    import pandas as pd

    from benchmark.tabular import read_table

    p = Path(path)
    where = str(p)
    df = read_table(p, required=["solution"])
    has_split = all(c in df.columns for c in ("cue1", "cue2", "cue3"))
    if not has_split and "cues" not in df.columns:
        raise BenchError(f"no cue columns; found {', '.join(map(str, df.columns))}", where=where,
                         fix="name them cue1, cue2, cue3 (or one 'cues' column)")
    rates = _rate_columns(df, where)
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for i, row in df.iterrows():
        line = int(i) + 2  # header is line 1
        cues = _cues(row, has_split)
        if len(cues) != 3 or any(not c or c == "nan" for c in cues):
            raise BenchError(f"row {line}: expected 3 cue words, got {cues}", where=where)
        solution = str(row["solution"]).strip().lower()
        if not solution or solution == "nan":
            raise BenchError(f"row {line}: empty solution", where=where)
        item_id = "_".join(re.sub(r"[^a-z0-9]+", "-", c) for c in cues)
        if item_id in seen:
            raise BenchError(f"row {line}: the cues {cues} repeat row {seen[item_id]}", where=where)
        seen[item_id] = line
        rec = {"task_id": "rat", "item_id": item_id, "item": " ".join(cues), "cues": cues,
               "solution": solution.split("/")[0].strip(),
               "solutions": [s.strip() for s in solution.split("/") if s.strip()],
               "item_set": p.stem}
        for col, (label, is_pct, n) in rates.items():
            value = pd.to_numeric(row[col], errors="coerce")
            rate = float(value) / 100.0 if is_pct else float(value)
            if math.isnan(rate) or not 0.0 <= rate <= 1.0:
                raise BenchError(f"row {line}: {col}={row[col]!r} is not a solve rate in "
                                 f"{'0..100 %' if is_pct else '0..1'}", where=where)
            rec[f"solve_rate_{label}"] = rate
            if n is not None:
                rec[f"n_{label}"] = n
        for col in df.columns:
            if _OTHER_NUMERIC.match(str(col)):
                rec[str(col)] = float(pd.to_numeric(row[col], errors="coerce"))
        rows.append(rec)
    return pd.DataFrame(rows)


def load_published_rat(path: str | Path) -> list[TaskItem]:
    """The published items as ``rat`` TaskItems; solve rates ride along in ``fields``."""
    table = rat_baseline(path)
    task = load_task("rat")
    items = []
    for rec in table.to_dict(orient="records"):
        fields = {k: v for k, v in rec.items() if k not in ("task_id", "item_id", "item")}
        items.append(make_item(task, rec["item_id"], fields))
    return items
