"""Shared set-up for study and rater-app tests: small runs, stores, a PostgreSQL schema.

The responses here are machine-made placeholders with model sources only; tests that need
real human answers read them from the published data (``shared_data``) and skip without it.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd
import pytest

from benchmark.records import RESPONSE_COLUMNS

MODEL_SOURCES = ("llamacpp/smollm2", "openai/gpt-4o-mini")
PG_URL = os.environ.get("CREATIVITY_BENCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def make_run(folder: Path, sources=MODEL_SOURCES, objects=("brick", "fork"), samples: int = 3,
             texts: dict | None = None) -> Path:
    """A run folder with responses.parquet in the standard format."""
    rows = []
    for source in sources:
        for obj in objects:
            for s in range(samples):
                text = (texts or {}).get((source, obj, s), f"- use {s} of the {obj}\n- another idea {s}")
                rows.append({"run_id": folder.name, "task_id": "aut", "task_version": "1.0", "item_id": obj,
                             "source": source, "sample_idx": s, "seed": s, "prompt": f"uses for a {obj}",
                             "text": text, "ideas": None, "latency_s": 0.1, "tokens": 10, "error": None,
                             "created_at": pd.Timestamp("2026-11-25", tz="UTC")})
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=RESPONSE_COLUMNS).to_parquet(folder / "responses.parquet", index=False)
    return folder


def sqlite_url(tmp_path: Path, name: str = "ratings.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def pg_schema_url() -> tuple[str, object]:
    """A fresh schema on the test PostgreSQL server and a function that drops it; skip if unreachable."""
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            schema = f"cb_test_{uuid.uuid4().hex[:10]}"
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no server, no database, no rights: say so and skip
        pytest.skip(f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__}); set CREATIVITY_BENCH_TEST_PG")
    sep = "&" if "?" in PG_URL else "?"

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", drop


def stevenson_humans(shared_data: Path, path: Path, objects=("fork",), per_object: int = 2) -> Path:
    """Real people's AUT answers (Stevenson et al. 2022) as a human responses file, read from
    the published data at test time (never copied into the repo); source human/stevenson2022."""
    df = pd.read_csv(shared_data / "stevenson-human-vs-gpt3" / "aut_human_vs_gpt3.csv")
    df = df[(df["human"] == "human") & df["object"].isin(objects)].groupby("object").head(per_object)
    out = pd.DataFrame({"task_id": "aut", "item_id": df["object"].str.replace(" ", "_"), "text": df["response"],
                        "source": "human/stevenson2022"})
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False)
    return path
