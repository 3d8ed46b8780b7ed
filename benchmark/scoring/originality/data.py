"""Human originality ratings as one table: ``task, item, text, rating``.

Why one loader: the shipped model is fitted on the ocsai files, and a lab refitting on
its own ratings (``creativity-bench train-scorer``) brings a long-format table; both
must reach the fitting code in the same shape, with one clear line when they don't.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from benchmark.errors import BenchError
from benchmark.tabular import read_table

# ocsai prompt prefixes -> our task names
OCSAI_PREFIXES = {
    "AUT": "uses",
    "DT Uses": "uses",
    "DT Consequences": "consequences",
    "DT Instances": "instances",
    "DT Completion": "completion",
}
# benchmark task ids (and common spellings) -> the task a head is fitted for
TASK_ALIASES = {
    "aut": "uses",
    "uses": "uses",
    "alternative_uses": "uses",
    "consequences": "consequences",
    "instances": "instances",
}
TASKS = ("uses", "consequences", "instances")
COLUMNS = ["task", "item", "text", "rating"]


@lru_cache(maxsize=65_536)
def normalise_item(item: object) -> str:
    """One spelling per item: lower case, single spaces, no leading "if " or final punctuation.

    ocsai writes Consequences prompts as "if PEOPLE NEEDED NO SLEEP"; the task suite
    says "people needed no sleep": both must find the same training responses.
    """
    s = " ".join(str(item).lower().split()).rstrip(" .?!")
    return s[3:] if s.startswith("if ") else s


def task_of(task_id: object) -> str | None:
    """Our task name for a benchmark task id, or None when the model does not cover it."""
    if task_id is None or (isinstance(task_id, float) and math.isnan(task_id)):
        return None
    return TASK_ALIASES.get(str(task_id).strip().lower())


def parse_ocsai_prompt(prompt: str, where: str) -> tuple[str, str, str]:
    """``"AUT Prompt:brick\\nResponse:...\\nScore:\\n"`` -> (task, item, text)."""
    try:
        head, rest = prompt.split("\nResponse:", 1)
        text = rest.rsplit("\nScore:", 1)[0]
        prefix, item = head.split(" Prompt:", 1)
    except ValueError:
        raise BenchError(
            "not an ocsai prompt", where=where, fix='expected "AUT Prompt:<object>\\nResponse:<text>\\nScore:\\n"'
        ) from None
    task = OCSAI_PREFIXES.get(prefix.strip())
    if task is None:
        raise BenchError(f"unknown ocsai prompt prefix '{prefix}'", where=where, fix=f"use one of {', '.join(OCSAI_PREFIXES)}")
    return task, item.strip(), text.strip()


def read_ocsai_jsonl(path: str | Path) -> pd.DataFrame:
    """The ocsai fine-tuning format; ``completion`` is the mean rating x 10."""
    p = Path(path)
    if not p.is_file():
        raise BenchError("file not found", where=str(p), fix="check the path")
    rows = []
    with open(p, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{p}:{lineno}"
            try:
                d = json.loads(line)
                prompt, completion = d["prompt"], d["completion"]
                rating = float(completion) / 10.0
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise BenchError(f"bad ocsai line ({type(exc).__name__}: {exc})", where=where,
                                 fix='each line: {"prompt": "...", "completion": "<rating x 10>"}') from None
            rows.append((*parse_ocsai_prompt(prompt, where), rating))
    return pd.DataFrame(rows, columns=COLUMNS)


def _is_ocsai(path: Path) -> bool:
    if path.suffix.lower() != ".jsonl":
        return False
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
    try:
        d = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(d, dict) and "prompt" in d and "completion" in d


def read_ratings(path: str | Path, task: str | None = None) -> pd.DataFrame:
    """Read ratings (ocsai JSONL, or long CSV/TSV/JSONL/Parquet with ``item, text, rating``).

    Long format may carry ``task``/``task_id``; otherwise ``task`` (default ``aut``) applies
    to every row. Several ratings of one response (one row per rater) are averaged, since
    the model predicts the mean human rating. Rows without a rating are dropped.
    """
    p = Path(path)
    if p.is_file() and _is_ocsai(p):
        df = read_ocsai_jsonl(p)
    else:
        raw = read_table(p, required=["item", "text", "rating"])
        task_col = next((c for c in ("task", "task_id") if c in raw.columns), None)
        if task_col is not None and task is None:
            tasks = [task_of(t) for t in raw[task_col]]
            bad = sorted({str(t) for t, m in zip(raw[task_col], tasks) if m is None})
            if bad:
                raise BenchError(f"unknown task(s) {', '.join(bad[:5])}", where=str(p),
                                 fix=f"use one of {', '.join(sorted(TASK_ALIASES))}")
        else:
            one = task_of(task or "aut")
            if one is None:
                raise BenchError(f"unknown task '{task}'", fix=f"use one of {', '.join(sorted(TASK_ALIASES))}")
            tasks = [one] * len(raw)
        rating = pd.to_numeric(raw["rating"], errors="coerce")
        bad_rows = raw["rating"].notna() & rating.isna()
        if bad_rows.any():
            i = int(bad_rows.idxmax())
            raise BenchError(f"rating '{raw['rating'][i]}' is not a number (row {i + 2})", where=str(p),
                             fix="ratings must be numbers")
        df = pd.DataFrame({"task": tasks, "item": raw["item"], "text": raw["text"], "rating": rating})
        df = df.dropna(subset=["item", "text", "rating"])
        df["item"] = df["item"].astype(str).str.strip()
        df["text"] = df["text"].astype(str).str.strip()
        df = df.groupby(["task", "item", "text"], as_index=False, sort=False)["rating"].mean()
    if task is not None:
        df = df[df["task"] == task_of(task)]
    df = df[df["task"].isin(TASKS)].reset_index(drop=True)
    if df.empty:
        raise BenchError("no usable ratings (need task aut/consequences/instances, item, text, rating)", where=str(p))
    return df[COLUMNS]


__all__ = ["normalise_item", "COLUMNS", "OCSAI_PREFIXES", "TASKS", "TASK_ALIASES", "read_ocsai_jsonl", "read_ratings", "task_of"]
