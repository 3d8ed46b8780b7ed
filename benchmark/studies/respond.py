"""Human responses as a source: outside human data brought in as a run folder.

Why: humans and models are the same kind of thing in every table. Human answers collected
elsewhere (or by the app's respond mode, see ``export.export_responses``) become a
``responses.parquet`` with ``benchmark.records.RESPONSE_COLUMNS`` and source
``human/<pool>``, so they can be scored, pooled into studies and ranked beside models.
Only files whose rows say ``human/...`` (or that are given a pool) are accepted.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from benchmark import __version__
from benchmark.records import RESPONSE_COLUMNS
from benchmark.studies.design import load_sources
from benchmark.tabular import write_table, write_text_atomic


def _ideas(text: str, task_id: str):
    try:
        from benchmark.tasks import load_task, parse_answer

        fmt = load_task(task_id).answer_format
    except Exception:  # task not in the suite: keep the text, no parsed list
        return None
    return parse_answer(text, fmt) if fmt in ("ideas", "words") else None


def human_responses_frame(path: str | Path, pool: str | None = None, *, allow_duplicates: bool = False) -> pd.DataFrame:
    """A human responses table in the standard response format."""
    df = load_sources(humans=[path], pool=pool, allow_duplicates=allow_duplicates)
    run_id = f"human-{df['source'].iloc[0].split('/', 1)[1]}"
    out = pd.DataFrame({
        "run_id": run_id, "task_id": df["task_id"], "task_version": df["task_version"], "item_id": df["item_id"],
        "source": df["source"], "sample_idx": df["sample_idx"].astype(int),
        "seed": pd.array([None] * len(df), dtype="Int64"), "prompt": df["prompt"], "text": df["text"],
        "ideas": [_ideas(t, task) for t, task in zip(df["text"], df["task_id"])],
        "latency_s": df["latency_s"].astype(float) if "latency_s" in df else float("nan"),
        "tokens": pd.array([None] * len(df), dtype="Int64"), "error": None,
        "created_at": pd.Timestamp(datetime.now(timezone.utc)),
    })
    return out[RESPONSE_COLUMNS]


def import_human_responses(path: str | Path, out_dir: str | Path, pool: str | None = None, *,
                           allow_duplicates: bool = False) -> Path:
    """Write ``OUT/responses.parquet`` and a manifest that records where the data came from."""
    df = human_responses_frame(path, pool, allow_duplicates=allow_duplicates)
    out = Path(out_dir)
    target = write_table(df, out / "responses.parquet")
    manifest = {"run_id": df["run_id"].iloc[0], "kind": "human_import", "input": str(path),
                "sources": sorted(df["source"].unique().tolist()), "rows": len(df),
                "tool_version": __version__, "created_at": datetime.now(timezone.utc).isoformat()}
    write_text_atomic(out / "manifest.json", json.dumps(manifest, indent=1))
    return target
