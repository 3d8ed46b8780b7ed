"""Human norms for the writing tasks, and norms from a researcher's own respond study.

``bellemare-writing``: the human texts of ``shared/data/writing-dat-gpt`` (Bellemare-Pepin
et al.): film synopses from IMDB/TMDB, flash fiction and haiku, each written for (or, for
the synopses, standing in for) the published prompt that our ``published_*`` items ask
verbatim (``benchmark.sources.published.WRITING_ITEMS``). Each text is scored exactly as a
model's answer is, under that item; so the item-level norm compares like with like, and
the task-level figure (the same people) is the fallback for the task's other items.

``writing_creativity`` is fitted on the 179 rated flash-fiction stories: its norm for
flash fiction uses the same texts it was fitted on, which makes people's spread look a
little tighter than it is for new texts (the provenance says so).

Respond-study exports (``study export-responses``) are ordinary human response tables;
``build_from_study`` drops answers given over the time limit and records the study, the
pool and the number of participants, so the table can say "norm from your study".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from benchmark.errors import BenchError
from benchmark.records import is_human_source
from benchmark.scoring.norms import NormEntry

WRITING_SCORERS = ["dsi", "writing_creativity", "semdis_minilm"]
STUDY_LABEL = "norm from your study"


def build_bellemare_writing(command: str, scorers: list[str] | None = None) -> tuple[dict, list[NormEntry], str]:
    from benchmark.paths import shared_data_dir
    from benchmark.scoring.norms_build import _entries, _score, provenance
    from benchmark.sources.published import BELLEMARE_CITATION, WRITING, writing_rows

    root = shared_data_dir()
    if root is None:
        raise BenchError("the shared human data folder is not present", where="../shared/data",
                         fix="set CREATIVITY_BENCH_DATA to the folder that holds writing-dat-gpt/")
    rows, _ = writing_rows(root)
    people = rows[rows["source"].map(is_human_source)].reset_index(drop=True)
    names = scorers or WRITING_SCORERS
    scores = _score(people[["task_id", "item_id", "source", "sample_idx", "text", "prompt", "item"]], names)
    versions = {s: str(g["scorer_version"].iloc[0]) for s, g in scores.groupby("scorer")}
    counts = people.groupby("task_id").size().to_dict()
    prov = provenance([root.joinpath(*p) for p in WRITING], BELLEMARE_CITATION, command, versions, len(people),
                      "Human texts only (GPT-3/GPT-4/Vicuna rows are not used): "
                      + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                      + ". Each text is scored as an answer to the task's published_* item (the study's prompt, asked "
                        "verbatim); the synopses are IMDB/TMDB plot summaries, not written for the prompt. "
                        "writing_creativity was fitted on the 179 rated flash-fiction stories, so its flash-fiction "
                        "norm is in-sample.", licence="GPL-3.0 (data repo)")
    from benchmark.scoring.norms_build import file_facts
    from benchmark.scoring.writing_creativity import PARAMS

    if "writing_creativity" in versions and PARAMS.is_file():
        prov["writing_creativity_params"] = file_facts(PARAMS)
    return prov, _entries(scores, unit="response"), ("Human film synopses (IMDB/TMDB), flash fiction and haiku "
                                                      "(Bellemare-Pepin et al.): whole texts")


def build_from_study(path: str, scorers: list[str] | None, citation: str, command: str,
                     options: dict[str, Any] | None = None) -> tuple[dict, list[NormEntry], str]:
    """Norms from a respond-mode study export (``responses.parquet`` or CSV/JSONL)."""
    from benchmark.scoring.norms_build import _entries, _score, check_human_sources, provenance
    from benchmark.tabular import read_table

    p = Path(path)
    df = read_table(p)
    need = {"task_id", "item_id", "source", "text"}
    missing = sorted(need - set(df.columns))
    if missing:
        raise BenchError(f"not a respond-study export: no {', '.join(missing)} column(s)", where=str(p),
                         fix="export it with `creativity-bench study export-responses STUDY --out FILE`")
    check_human_sources(df, p)
    late = df["error"].notna() if "error" in df.columns else pd.Series(False, index=df.index)
    used = df[~late & df["text"].notna()].reset_index(drop=True)
    if used.empty:
        raise BenchError("the export has no answers within the time limit", where=str(p))
    keep = [c for c in ("task_id", "task_version", "item_id", "source", "sample_idx", "prompt", "text", "ideas")
            if c in used.columns]
    scores = _score(used[keep], scorers, options)
    versions = {s: str(g["scorer_version"].iloc[0]) for s, g in scores.groupby("scorer")}
    people = int(used["prolific_pid"].nunique()) if "prolific_pid" in used.columns and used["prolific_pid"].notna().any() \
        else int(used.groupby("source")["sample_idx"].nunique().sum()) if "sample_idx" in used.columns else len(used)
    study = sorted(used["run_id"].dropna().astype(str).unique()) if "run_id" in used.columns else []
    prov = provenance([p], citation or "(your own study)", command, versions, len(used),
                      f"Respond-mode study {', '.join(study) or '(unnamed)'}: {len(used)} answers by about {people} "
                      f"people of {', '.join(sorted(used['source'].astype(str).unique()))}; {int(late.sum())} answers "
                      "over the time limit left out.")
    prov["study"] = {"ids": study, "pools": sorted(used["source"].astype(str).unique()), "answers": int(len(used)),
                     "left_out_over_time": int(late.sum()), "label": STUDY_LABEL}
    return prov, _entries(scores, unit="response"), f"{STUDY_LABEL}: {', '.join(study) or p.name}"


__all__ = ["STUDY_LABEL", "WRITING_SCORERS", "build_bellemare_writing", "build_from_study"]
