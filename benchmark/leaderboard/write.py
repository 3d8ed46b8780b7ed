"""Write a leaderboard folder: tables, pictures, Markdown and the static HTML page.

Files: ``leaderboard.csv`` (the per-task detail), ``matrix.csv`` (sources x tasks, long),
``leaderboard.json`` (both, with settings, the percentile definition and provenance),
``leaderboard.md``, ``leaderboard.html`` (self-contained), ``heatmap.png`` and
``plots/<task>.png``. Every file is written atomically, numbers are rounded to 6
significant digits and nothing carries a timestamp, so the same scores and seed give the
same bytes (the rebuild is checked that way).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmark.leaderboard.build import PERCENTILE_DEFINITION, Leaderboard
from benchmark.tabular import write_text_atomic


def _round(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = [float(f"{v:.6g}") if np.isfinite(v) else np.nan for v in out[c]]
    return out


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(_round(df).to_json(orient="records"))


def _write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def write_leaderboard(board: Leaderboard, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write the folder (see the module docstring); returns the files by name."""
    from benchmark.leaderboard.plots import heatmap_png, task_plot_png
    from benchmark.leaderboard.render import leaderboard_html, leaderboard_markdown

    from benchmark.tabular import make_dir

    out = make_dir(out_dir)
    files: dict[str, Path] = {}
    files["leaderboard.csv"] = write_text_atomic(out / "leaderboard.csv", _round(board.detail).to_csv(index=False))
    files["matrix.csv"] = write_text_atomic(out / "matrix.csv", _round(board.matrix).to_csv(index=False))
    doc = {"definition": PERCENTILE_DEFINITION, "settings": board.settings, "tasks": board.tasks,
           "sources": board.sources, "matrix": _records(board.matrix), "detail": _records(board.detail),
           "provenance": board.provenance}
    files["leaderboard.json"] = write_text_atomic(out / "leaderboard.json", json.dumps(doc, indent=1, sort_keys=True) + "\n")
    heat = heatmap_png(board.matrix, board.tasks, board.sources)
    files["heatmap.png"] = _write_bytes(out / "heatmap.png", heat)
    pngs: dict[str, bytes] = {}
    primaries = dict(zip(board.matrix["task_id"], board.matrix["scorer"]))
    for task in board.tasks:
        png = task_plot_png(board.detail, task, primaries.get(task) or "")
        if png is not None:
            pngs[task] = png
            files[f"plots/{task}.png"] = _write_bytes(out / "plots" / f"{task}.png", png)
    files["leaderboard.md"] = write_text_atomic(out / "leaderboard.md", leaderboard_markdown(board, pngs))
    files["leaderboard.html"] = write_text_atomic(out / "leaderboard.html", leaderboard_html(board, heat, pngs))
    return files


__all__ = ["write_leaderboard"]
