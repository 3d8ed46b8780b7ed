"""Build the leaderboard from a score table: the per-task detail and the sources x tasks matrix.

``build(scores)`` gives a ``Leaderboard``: ``detail`` has one row per task x scorer x
source (mean and typical answer with CIs, rank with ties, human percentile, or the
reason there is no figure); ``matrix`` has one row per source x task for the scorer
that speaks for the task (``catalog.primary_scorer``), on one common scale: the human
percentile of the source's typical answer (``PERCENTILE_DEFINITION``). Every cell has
either a figure or a reason; the Remote Associates cell is "solved k of n" against
people's solve rate on the same items, never a percentile of a 0/1 score.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from benchmark.errors import BenchError
from benchmark.leaderboard import catalog
from benchmark.leaderboard.stats import Reference, ci_ranks, figures, norm_reference, rank_labels, table_reference
from benchmark.records import is_human_source

PERCENTILE_DEFINITION = (
    "Human percentile = the share of people's answers to the same task, scored with the same scorer, that the "
    "source's typical (median) answer beats, ties counting half; 50 is the median person, and for scorers where "
    "lower is better (duplicates) beating means scoring lower.")

DETAIL_COLUMNS = [
    "task_id", "scorer", "scorer_label", "better", "rank", "rank_label", "source", "source_label", "is_human",
    "mean", "ci_low", "ci_high", "ci_over", "median", "median_low", "median_high", "human_pct", "pct_low", "pct_high",
    "reference", "human_median", "n", "n_items", "n_unscored", "solved", "note",
]
MATRIX_COLUMNS = [
    "source", "source_label", "is_human", "task_id", "task_label", "scorer", "kind", "human_pct", "pct_low", "pct_high",
    "score", "ci_over", "n", "n_items", "reference", "cell", "reason",
]


@dataclass
class Leaderboard:
    """The detail and matrix tables, plus what is needed to read them."""

    detail: pd.DataFrame
    matrix: pd.DataFrame
    tasks: list[str]
    sources: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    provenance: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.detail)


def _reasons(details: pd.Series) -> list[str]:
    out = []
    for d in details:
        if isinstance(d, str) and d:
            try:
                out.append(str(json.loads(d).get("reason") or "unknown"))
            except ValueError:
                out.append("unknown")
        else:
            out.append("unknown")
    return out


def why_unscored(scorer: str, rows: pd.DataFrame) -> str:
    """One line: how many answers could not be scored and the most common reason."""
    n = len(rows)
    if scorer == "dat":
        return f"0 of {n} answers had 7 valid nouns"
    reasons = _reasons(rows["details"]) if "details" in rows.columns else ["unknown"] * n
    top = max(sorted(set(reasons)), key=reasons.count).split(";")[0][:80] if reasons else "unknown"
    return f"0 of {n} answers could be scored ({top})"


DIVERSITY_K = 10


def _group_size(details: object) -> int | None:
    if not isinstance(details, str) or not details:
        return None
    try:
        d = json.loads(details)
    except ValueError:
        return None
    n = d.get("n_group", d.get("group_size"))
    return int(n) if isinstance(n, (int, float)) and not isinstance(n, bool) else None


def counts_all_samples(rows: pd.DataFrame) -> bool:
    """A diversity figure without ``k`` in its details is the older count of distinct
    answers among *all* samples: it grows with the number of samples (519 people vs 100
    GPT-3 texts), so it is shown as a reason, never ranked."""
    if "details" not in rows.columns or rows.empty:
        return False
    for d in rows["details"]:
        try:
            if isinstance(d, str) and "k" in json.loads(d):
                return False
        except ValueError:
            continue
    return True


def too_few_for_diversity(rows: pd.DataFrame) -> pd.Series:
    """Rows of groups with fewer than 10 answers to one prompt: their distinct-of-10 figure
    would be a figure of fewer draws, not comparable with the others, so it is not ranked."""
    if "details" not in rows.columns:
        return pd.Series(False, index=rows.index)
    sizes = rows["details"].map(_group_size)
    return sizes.notna() & (sizes.fillna(DIVERSITY_K) < DIVERSITY_K)


def _version(rows: pd.DataFrame) -> str | None:
    if "scorer_version" not in rows.columns or rows["scorer_version"].isna().all():
        return None
    return str(rows["scorer_version"].dropna().astype(str).mode().iloc[0])


def _reference(task: str, scorer: str, rows: pd.DataFrame, unit: str = "response") -> Reference | None:
    ref = norm_reference(task, scorer, _version(rows), unit)
    if ref is not None:
        return ref
    human = rows[rows["source"].map(is_human_source) & rows["value"].notna()]
    if human.empty:
        return None
    names = ", ".join(sorted(human["source"].unique()))
    return table_reference(human["value"].to_numpy(float), f"people in this table: {names}",
                           frozenset(human["item_id"].astype(str)))


def _rat_people(items: list[str]) -> tuple[float, int, float]:
    """People's mean solve rate on these items (item-level RAT norms), how many items had
    one, and the mean solve rate over the whole normed set."""
    from benchmark.scoring.norms import load_norms

    try:
        entry = load_norms().find("rat", "rat", None)
    except Exception:
        entry = None
    if entry is None:
        return math.nan, 0, math.nan
    rates = [entry.items[i].mean for i in items if i in entry.items]
    return (float(np.mean(rates)) if rates else math.nan), len(rates), float(entry.task.mean)


OTHER_PROMPTS = "people answered other prompts of this task"


def _group_rows(task: str, scorer: str, g: pd.DataFrame, sources: list[str], notes: dict[str, str],
                units: dict[str, str], n_boot: int, seed: int) -> list[dict[str, Any]]:
    info = catalog.scorer_info(scorer)
    refs = {u: _reference(task, scorer, g, u) for u in sorted({units.get(s, "response") for s in sources})}
    rows = []
    for src in sources:
        s = g[g["source"] == src]
        ref = refs[units.get(src, "response")]
        other_prompts = ref is not None and bool(ref.items) and not (ref.items & set(s["item_id"].astype(str)))
        if other_prompts:  # a table of people is a reference only for the prompts they answered
            ref = None
        base = {"task_id": task, "scorer": scorer, "scorer_label": info.label, "better": info.better, "source": src,
                "source_label": catalog.source_label(src), "is_human": is_human_source(src),
                "reference": ref.label if ref is not None else None,
                "human_median": ref.median if ref is not None else math.nan, "solved": None, "note": None}
        ok = s[s["value"].notna()]
        if scorer == "diversity" and counts_all_samples(ok):
            rows.append({**base, **_empty(), "n_unscored": int(len(s)),
                         "note": f"this diversity version ({_version(ok)}) counts distinct answers among all "
                                 f"{len(ok)} samples, which grows with their number: not ranked"})
            continue
        few = too_few_for_diversity(ok) if scorer == "diversity" else pd.Series(False, index=ok.index)
        if few.any():
            largest = int(ok.loc[few, "details"].map(_group_size).max())
            ok = ok[~few]
            if ok.empty:
                rows.append({**base, **_empty(), "n_unscored": int(len(s)),
                             "note": f"at most {largest} answers to one prompt; diversity is counted among {DIVERSITY_K}"})
                continue
        if s.empty:
            rows.append({**base, **_empty(), "n_unscored": 0, "note": notes.get(src, "not scored with this scorer")})
            continue
        if ok.empty:
            rows.append({**base, **_empty(), "n_unscored": int(len(s)), "note": why_unscored(scorer, s)})
            continue
        by_item = [v.to_numpy(float) for _, v in ok.groupby("item_id", sort=True)["value"]]
        f = figures(by_item, n_boot=n_boot, seed=seed)
        pct, lo, hi = math.nan, math.nan, math.nan
        if ref is not None:
            pct = ref.percentile(f.median, info.better)
            ends = sorted([ref.percentile(f.med_low, info.better), ref.percentile(f.med_high, info.better)])
            lo, hi = (ends[0], ends[1]) if all(math.isfinite(e) for e in ends) else (math.nan, math.nan)
        row = {**base, "note": OTHER_PROMPTS if other_prompts else None, "mean": f.mean, "ci_low": f.ci_low, "ci_high": f.ci_high, "ci_over": f.ci_over,
               "median": f.median, "median_low": f.med_low, "median_high": f.med_high,
               "human_pct": pct, "pct_low": lo, "pct_high": hi, "n": f.n, "n_items": f.n_items,
               "n_unscored": int(len(s) - len(ok))}
        if scorer == "rat":
            row["solved"] = f"{int(ok['value'].sum())} of {len(ok)}"
            row["human_pct"] = row["pct_low"] = row["pct_high"] = math.nan  # a 0/1 score is not placed as a percentile
        rows.append(row)
    ranked = [r for r in rows if r["n"]]
    if ranked:
        rk = ci_ranks(np.array([r["mean"] for r in ranked]), np.array([r["ci_low"] for r in ranked]),
                      np.array([r["ci_high"] for r in ranked]), info.better)
        for r, k, lab in zip(ranked, rk, rank_labels(rk)):
            r["rank"], r["rank_label"] = int(k), lab
    return rows


def _empty() -> dict[str, Any]:
    nan = math.nan
    return {"mean": nan, "ci_low": nan, "ci_high": nan, "ci_over": "none", "median": nan, "median_low": nan,
            "median_high": nan, "human_pct": nan, "pct_low": nan, "pct_high": nan, "n": 0, "n_items": 0,
            "rank": None, "rank_label": "-"}


def _fmt(v: float, spec: str = ".0f") -> str:
    return format(v, spec)


def _matrix_cell(src: str, task: str, scorer: str | None, d: pd.DataFrame, task_rows: pd.DataFrame,
                 ran: bool) -> dict[str, Any]:
    base = {"source": src, "source_label": catalog.source_label(src), "is_human": is_human_source(src), "task_id": task,
            "task_label": catalog.task_label(task), "scorer": scorer, "kind": "none", "human_pct": math.nan,
            "pct_low": math.nan, "pct_high": math.nan, "score": None, "ci_over": "none", "n": 0, "n_items": 0,
            "reference": None, "cell": "", "reason": None}
    if not ran:
        published = src.startswith(("replay/", "human/"))
        reason = "no published answers" if published else "not in this run"
        return {**base, "cell": reason, "reason": reason}
    r = d[(d["source"] == src)].iloc[0]
    base.update({"ci_over": r["ci_over"], "n": int(r["n"]), "n_items": int(r["n_items"]), "reference": r["reference"]})
    if not r["n"]:
        return {**base, "cell": str(r["note"]), "reason": str(r["note"])}
    if scorer == "rat":
        items = sorted(task_rows.loc[(task_rows["source"] == src) & task_rows["value"].notna(), "item_id"].astype(str).unique())
        rate, k, overall = _rat_people(items)
        elsewhere = f" (people solve {100 * overall:.0f}% of the normed Bowden & Jung-Beeman items)" if math.isfinite(overall) else ""
        people = (f"people solved {100 * rate:.0f}% of the same items" if k == len(items) and k else
                  f"people solved {100 * rate:.0f}% of the {k} of these items with norms" if k else
                  f"no human solve rates for these items{elsewhere}")
        return {**base, "kind": "solved", "score": r["solved"], "cell": f"solved {r['solved']}; {people}",
                "reason": None if k else people}
    score = f"{r['mean']:.3g}"
    if math.isfinite(r["human_pct"]):
        ci = f" [{_fmt(r['pct_low'])}, {_fmt(r['pct_high'])}]" if math.isfinite(r["pct_low"]) else ""
        return {**base, "kind": "percentile", "human_pct": r["human_pct"], "pct_low": r["pct_low"], "pct_high": r["pct_high"],
                "score": score, "cell": f"{_fmt(r['human_pct'])}{ci}"}
    if r["note"] == OTHER_PROMPTS:
        return {**base, "kind": "score", "score": score, "cell": f"{OTHER_PROMPTS} (score {score})", "reason": OTHER_PROMPTS}
    return {**base, "kind": "score", "score": score, "cell": f"no human data (score {score})", "reason": "no human data for this task"}


def build(scores: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0, source_notes: dict[str, str] | None = None,
          source_units: dict[str, str] | None = None, provenance: list[dict[str, Any]] | None = None) -> Leaderboard:
    """The leaderboard of a score table (``task_id, item_id, source, scorer, value[, scorer_version, details]``).

    ``source_notes``: why a source has no rows for a scorer; ``source_units``: "idea" for a
    source whose answers are single ideas (placed in a norm of single ideas where one exists)."""
    need = ["task_id", "item_id", "source", "scorer", "value"]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise BenchError(f"scores table lacks column(s) {', '.join(missing)}", fix="pass a table written by `creativity-bench score`")
    from benchmark.schemas import validate_frame
    from benchmark.schemas.leaderboard import SCORES

    df = scores.copy()
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df["item_id"] = df["item_id"].astype(str)
    df = validate_frame(df, SCORES, where="scores", fix="pass a table written by `creativity-bench score`")
    if df.empty:
        raise BenchError("no scores to rank", fix="score some responses first")
    notes = dict(source_notes or {})
    sources = sorted(df["source"].astype(str).unique(), key=lambda s: (not is_human_source(s), s))
    tasks = catalog.task_order(df["task_id"].unique())
    detail_rows: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    for task in tasks:
        t = df[df["task_id"] == task]
        declared = catalog.TASK_SCORERS.get(task, ())
        scorers = sorted(t["scorer"].unique(), key=lambda s: (declared.index(s) if s in declared else len(declared), s))
        srcs = [s for s in sources if (t["source"] == s).any()]
        for scorer in scorers:
            detail_rows += _group_rows(task, scorer, t[t["scorer"] == scorer], srcs, notes, dict(source_units or {}),
                                       n_boot, seed)
        primary = catalog.primary_scorer(task, set(scorers))
        d = pd.DataFrame([r for r in detail_rows if r["task_id"] == task and r["scorer"] == primary])
        for src in sources:
            cells.append(_matrix_cell(src, task, primary, d, t[t["scorer"] == primary], src in srcs))
    detail = pd.DataFrame(detail_rows).reindex(columns=DETAIL_COLUMNS)
    detail["rank"] = detail["rank"].astype("Int64")
    if detail["n"].sum() == 0:
        raise BenchError("no numeric scores to rank", fix="check the scorers' reasons in the details column")
    matrix = pd.DataFrame(cells).reindex(columns=MATRIX_COLUMNS)
    return Leaderboard(detail, matrix, tasks, sources, {"n_boot": n_boot, "seed": seed, "ci_level": 0.95},
                       list(provenance or []))


__all__ = ["DETAIL_COLUMNS", "Leaderboard", "MATRIX_COLUMNS", "PERCENTILE_DEFINITION", "build", "why_unscored"]
