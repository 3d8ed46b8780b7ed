"""Import Stevenson et al. (2022) human vs GPT-3 AUT ratings as a finished likert study.

Why: a real, published human-vs-AI rating study is the best end-to-end check of the
analysis: the report must show the published means (originality humans 2.55 vs GPT-3 2.39,
utility 3.67 vs 4.21, surprise 2.19 vs 2.07) and the raters' agreement (r ~ .65 on
originality where both rated).

Mapping (from ``aut_human_vs_gpt3.csv``; rater initials from ``aut_ratings_IRR_MB.csv``):
each CSV row is one rated response (the file has 11 response ids twice, as encoding
variants; they are kept as in the paper's analysis), so ``item_id`` = ``stevenson2022-<id>-<n>``
(row-unique); ``*_rater01`` columns are rater ``MB``, ``*_rater02`` rater ``IS``;
``human == "human"`` -> source ``human/stevenson2022``, ``"GPT-3"`` -> ``gpt-3`` (the name
the issue uses; the file does not say which GPT-3 engine); task ``aut``, response item =
object slug (book, fork, tin_can), ``sample_idx`` = running number per object and source.
The published means use the file's consolidated columns (rater 1 where both rated); they
are carried as reference figures, never as a rater.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.analysis.loaders import StudyData, normalise
from benchmark.analysis.scales import Scale
from benchmark.errors import BenchError

DIMENSIONS = ("originality", "utility", "surprise")
HUMAN_SOURCE = "human/stevenson2022"
AI_SOURCE = "gpt-3"
STUDY_ID = "stevenson2022"
PUBLISHED = {  # Stevenson et al. 2022, ICCC; checked on the file (shared/data/README.md)
    ("originality", HUMAN_SOURCE): 2.55, ("originality", AI_SOURCE): 2.39,
    ("utility", HUMAN_SOURCE): 3.67, ("utility", AI_SOURCE): 4.21,
    ("surprise", HUMAN_SOURCE): 2.19, ("surprise", AI_SOURCE): 2.07,
}
PUBLISHED_RATER_R = 0.65
MAIN_FILE = "aut_human_vs_gpt3.csv"
IRR_FILE = "aut_ratings_IRR_MB.csv"


def _slug(s: str) -> str:
    return "_".join(str(s).strip().lower().split())


def _rater_names(folder: Path) -> tuple[str, str]:
    """Initials of rater 1 and rater 2 (the most frequent entries of rater_01/rater_02)."""
    p = folder / IRR_FILE
    if not p.exists():
        return ("rater01", "rater02")
    irr = pd.read_csv(p, usecols=["rater_01", "rater_02"])
    return tuple(str(irr[c].dropna().mode().iloc[0]) for c in ("rater_01", "rater_02"))  # type: ignore[return-value]


def load_stevenson(path: str | os.PathLike) -> StudyData:
    """Read the published folder (or the CSV itself) into a StudyData with likert
    ratings, the responses (for automatic scoring) and the published reference figures."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    main = folder / MAIN_FILE if p.is_dir() else p
    if not main.exists():
        raise BenchError(f"{MAIN_FILE} not found", where=str(folder), fix="pass the stevenson-human-vs-gpt3 folder")
    raw = pd.read_csv(main, na_values=["NA"])
    need = ["response_id", "object", "response", "human"] + [f"{d}_rater0{k}" for d in DIMENSIONS for k in (1, 2)] + list(DIMENSIONS)
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise BenchError(f"missing column(s) {', '.join(missing)}", where=str(main), fix="use the file from cstevenson-uva/creAI-gpt3")
    bad = sorted(set(raw["human"]) - {"human", "GPT-3"})
    if bad:
        raise BenchError(f"unexpected values in column 'human': {bad}", where=str(main))
    r1, r2 = _rater_names(folder)
    df = raw.reset_index(drop=True)
    occurrence = df.groupby("response_id").cumcount() + 1
    df["item_id"] = [f"{STUDY_ID}-{rid}-{n}" for rid, n in zip(df["response_id"], occurrence)]
    df["source"] = np.where(df["human"] == "human", HUMAN_SOURCE, AI_SOURCE)
    df["response_item_id"] = df["object"].map(_slug)
    df["sample_idx"] = df.groupby(["response_item_id", "source"]).cumcount()
    rows = []
    for k, rater in ((1, r1), (2, r2)):
        for dim in DIMENSIONS:
            col = f"{dim}_rater0{k}"
            part = df[df[col].notna()]
            rows.append(pd.DataFrame({
                "item_id": part["item_id"], "rater_id": rater, "dimension": dim, "value": part[col].astype(float),
                "source": part["source"], "task_id": "aut", "task_version": STUDY_ID,
                "response_item_id": part["response_item_id"], "sample_idx": part["sample_idx"], "study_id": STUDY_ID,
            }))
    likert = normalise(pd.concat(rows, ignore_index=True), "likert", where=str(main))
    responses = pd.DataFrame({
        "task_id": "aut", "task_version": STUDY_ID, "item_id": df["response_item_id"], "item": df["object"],
        "source": df["source"], "sample_idx": df["sample_idx"], "text": df["response"].astype(str),
        "published_semdis": df.get("semdis"),
    })
    reference = {
        "citation": "Stevenson, Smal, Baas, Grasman & van der Maas (2022), Putting GPT-3's creativity to the "
                    "(Alternative Uses) Test, ICCC; data: cstevenson-uva/creAI-gpt3",
        "published_means": [
            {"dimension": dim, "source": src, "published": val,
             "reproduced": round(float(df.loc[df["source"] == src, dim].mean()), 3),
             "rule": "mean of the file's consolidated column (rater 1 where both rated)"}
            for (dim, src), val in PUBLISHED.items()
        ],
        "published_rater_r": PUBLISHED_RATER_R,
    }
    scales = {d: Scale("ordinal", 1.0, 5.0, "declared") for d in DIMENSIONS}  # the paper's 1-5 scales
    zeros = likert[likert["value"] < 1]
    notes = [f"{len(zeros)} rating(s) of 0 ({zeros['item_id'].nunique()} responses, rater "
             f"{', '.join(sorted(zeros['rater_id'].unique()))}) lie outside the published 1-5 scale; they are kept, "
             "as the published means include them"] if len(zeros) else []
    return StudyData(likert=likert, responses=responses, reference=reference, origin=f"Stevenson et al. 2022 ({main})",
                     scales=scales, notes=notes)


def score_stevenson(responses: pd.DataFrame, scorers: tuple[str, ...] = ("semdis_minilm", "originality")) -> tuple[pd.DataFrame | None, str | None]:
    """Score the responses with our automatic scorers; returns (scores or None, why
    some scorers are pending or None)."""
    try:
        from benchmark.scoring import score_responses
    except ImportError as exc:  # the scoring stage is optional for the analysis
        return None, f"automatic scorers not importable ({exc})"
    cols = ["task_id", "task_version", "item_id", "item", "source", "sample_idx", "text"]
    parts, pending = [], []
    for name in scorers:  # one unavailable scorer must not hide the others
        try:
            parts.append(score_responses(responses[cols], [name], progress=False))
        except (BenchError, ImportError, OSError) as exc:
            pending.append(f"{name}: {exc}")
    scores = pd.concat(parts, ignore_index=True) if parts else None
    return scores, ("; ".join(pending) or None)
