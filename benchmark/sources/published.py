"""Published answers of people and real models, as replay sources with their provenance.

Why: the question the benchmark answers is where models stand among people, and the
shared data already holds real answers of both: GPT-3 and people on the Alternative Uses
Task (Stevenson et al. 2022), people's rated AUT ideas (ocsai), and GPT-3, GPT-4, Vicuna
and people writing synopses, flash fiction and haiku (Bellemare-Pepin et al.). Each is
turned into rows of the replay format (``task_id, item_id, source, sample_idx, text,
prompt``) so it enters the same pipeline as a live run, and each source carries where
its answers came from. The texts are read from ``../shared/data`` at build time and
written only to an ignored working folder; nothing here copies them into the repository.

How answers become responses:

* Stevenson: one response per respondent x object, that respondent's uses in the file's
  order (``response_id``), one per line: a whole list, as a model answers (and as the
  ``stevenson-aut`` human norm was built). GPT-3's ``respondent_id`` is its completion id.
* ocsai: the AUT val split; each row is one idea by one person, so each response is a
  single idea (``unit = "idea"``): list scorers (fluency, duplicates, ...) do not apply.
* Bellemare-Pepin: both CSVs of ``writing-dat-gpt``; every text of
  ``concatenated_results_stories.csv`` plus those of ``all_stories...csv`` not already in
  it (same model, condition and text). Poems have no task here and are left out. The
  published prompt is one per condition, so each task has a single item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark.errors import BenchError

STEVENSON = ("stevenson-human-vs-gpt3", "aut_human_vs_gpt3.csv")
OCSAI_VAL = ("ocsai-aut", "aut_val.jsonl")
WRITING = (("writing-dat-gpt", "concatenated_results_stories.csv"),
           ("writing-dat-gpt", "all_stories_dsi_lziv_ratings_num-words.csv"))

STEVENSON_CITATION = ("Stevenson, Smal, Baas, Grasman & van der Maas (2022). Putting GPT-3's creativity to the "
                      "(Alternative Uses) Test. ICCC 2022. Data: cstevenson-uva/creAI-gpt3 (MIT).")
OCSAI_CITATION = ("Organisciak, Acar, Dumas & Berthiaume (2023). Beyond semantic distance. Thinking Skills and "
                  "Creativity 49:101356. Data: massivetexts/ocsai data/ocsai1 at db5a3ee (MIT), AUT val split.")
BELLEMARE_CITATION = ("Bellemare-Pepin et al. (2024/2026). Divergent creativity in humans and large language models. "
                      "Data: AntoineBellemare/DAT_GPT at f16aca5 (GPL-3.0).")


@dataclass(frozen=True)
class WritingItem:
    """The single published prompt of a writing condition, as an item of our task."""

    task_id: str
    item_id: str
    condition: str
    prompt: str
    stimulus: str  # what semantic distance measures the text against


# The published prompts (the data folder's README quotes the study's scripts). The item
# ids are declared here once: when the suite gains items for these prompts, name them here.
WRITING_ITEMS: tuple[WritingItem, ...] = (
    WritingItem("film_synopsis", "published_synopsis", "synopsis",
                "Write a creative and unique movie synopsis.", "a creative and unique movie synopsis"),
    WritingItem("flash_fiction", "published_flash_fiction", "flash-fiction",
                "Write a creative flash fiction story in exactly 100 words.", "a creative flash fiction story"),
    WritingItem("haiku", "published_haiku", "haiku",
                "Write a creative haiku following the 5-7-5 syllable pattern.", "a creative haiku"),
)
WRITING_MODELS = {"GPT3": "replay/gpt-3", "GPT4": "replay/gpt-4", "Vicuna": "replay/vicuna",
                  "human": "human/bellemare2024", "IMDB (human)": "human/bellemare2024"}


@dataclass
class PublishedSource:
    """One source's published answers (``rows``) and where they came from."""

    source: str
    rows: pd.DataFrame
    provenance: list[dict[str, Any]] = field(default_factory=list)
    unit: str = "response"  # "idea" when each answer is a single idea of a list task

    @property
    def tasks(self) -> list[str]:
        return sorted(self.rows["task_id"].unique())


def _path(root: Path, parts: tuple[str, str]) -> Path:
    p = root.joinpath(*parts)
    if not p.is_file():
        raise BenchError("published data file not found", where=str(p),
                         fix="point --data at the folder that holds stevenson-human-vs-gpt3/, ocsai-aut/, writing-dat-gpt/")
    return p


def _facts(path: Path) -> dict[str, Any]:
    from benchmark.scoring.norms_build import file_facts

    return file_facts(path)


def stevenson_rows(root: Path) -> dict[str, pd.DataFrame]:
    """People's and GPT-3's whole AUT lists for book, fork and tin can."""
    from benchmark.scoring.prepare import resolve_item_id

    df = pd.read_csv(_path(root, STEVENSON))
    need = {"respondent_id", "object", "response", "response_id", "human"}
    if not need <= set(df.columns):
        raise BenchError(f"missing column(s) {', '.join(sorted(need - set(df.columns)))}", where=str(_path(root, STEVENSON)))
    df = df.dropna(subset=["response"]).sort_values(["respondent_id", "object", "response_id"], kind="stable")
    out = {}
    for label, source in (("human", "human/stevenson2022"), ("GPT-3", "replay/gpt-3")):
        part = df[df["human"].astype(str) == label]
        lists = (part.groupby(["object", "respondent_id"], sort=True)["response"]
                 .apply(lambda r: "\n".join(str(x).strip() for x in r)).reset_index())
        lists["item_id"] = [resolve_item_id("aut", o) for o in lists["object"]]
        lists["sample_idx"] = lists.groupby("item_id").cumcount()
        out[source] = pd.DataFrame({"task_id": "aut", "item_id": lists["item_id"], "source": source,
                                    "sample_idx": lists["sample_idx"], "text": lists["response"],
                                    "prompt": f"Alternative uses (Stevenson et al. 2022 {'participants' if label == 'human' else 'GPT-3 prompt'}): "
                                    + lists["object"].astype(str)})
    return out


def ocsai_rows(root: Path) -> pd.DataFrame:
    """The ocsai AUT val split: one idea per response (the ratings themselves are not used)."""
    from benchmark.scoring.norms_build import read_ocsai
    from benchmark.scoring.prepare import resolve_item_id

    df = read_ocsai(_path(root, OCSAI_VAL))
    df = df[df["task_id"] == "aut"].reset_index(drop=True)
    item_id = [resolve_item_id("aut", o) for o in df["item"]]
    out = pd.DataFrame({"task_id": "aut", "item_id": item_id, "source": "human/ocsai", "text": df["text"],
                        "prompt": "Alternative uses (ocsai participants): " + df["item"].astype(str)})
    out["sample_idx"] = out.groupby("item_id").cumcount()
    return out


def writing_rows(root: Path) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """Synopses, flash fiction and haiku of people and three models (union of both CSVs)."""
    first, second = (pd.read_csv(_path(root, p)) for p in WRITING)
    for p, df in zip(WRITING, (first, second)):
        missing = {"story", "model", "condition"} - set(df.columns)
        if missing:
            raise BenchError(f"missing column(s) {', '.join(sorted(missing))}", where=str(_path(root, p)))
    key = ["model", "condition", "story"]
    norm = lambda d: d.assign(model=d["model"].replace({"IMDB (human)": "human"}))  # noqa: E731
    first, second = norm(first), norm(second)
    seen = set(map(tuple, first[key].itertuples(index=False)))
    extra = second[[tuple(k) not in seen for k in second[key].itertuples(index=False)]]
    both = pd.concat([first.assign(file=WRITING[0][1]), extra.assign(file=WRITING[1][1])], ignore_index=True)
    items = {w.condition: w for w in WRITING_ITEMS}
    both = both[both["condition"].isin(items) & both["story"].notna()].reset_index(drop=True)
    temps: dict[str, dict[str, int]] = {}
    rows = []
    for r in both.itertuples(index=False):
        w = items[r.condition]
        source = WRITING_MODELS.get(str(r.model))
        if source is None:
            continue
        temp = str(getattr(r, "temp", "") or "")
        temps.setdefault(f"{source} {w.task_id}", {}).setdefault(temp, 0)
        temps[f"{source} {w.task_id}"][temp] += 1
        rows.append({"task_id": w.task_id, "item_id": w.item_id, "source": source, "text": str(r.story),
                     "prompt": w.prompt, "item": w.stimulus})
    out = pd.DataFrame(rows)
    out["sample_idx"] = out.groupby(["task_id", "item_id", "source"]).cumcount()
    return out, temps


def _count(df: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in df.groupby("task_id").size().items()}


def published_sources(root: str | Path) -> list[PublishedSource]:
    """Every published source, sorted by name, each with its provenance records."""
    base = Path(root)
    stev = stevenson_rows(base)
    ocsai = ocsai_rows(base)
    writing, temps = writing_rows(base)
    sev_file, oc_file = _facts(_path(base, STEVENSON)), _facts(_path(base, OCSAI_VAL))
    wr_files = [_facts(_path(base, p)) for p in WRITING]
    by_source: dict[str, PublishedSource] = {}

    def add(source: str, rows: pd.DataFrame, prov: dict[str, Any], unit: str = "response") -> None:
        s = by_source.setdefault(source, PublishedSource(source, rows.iloc[0:0], unit=unit))
        s.rows = pd.concat([s.rows, rows], ignore_index=True)
        s.provenance.append(prov)

    for source, rows in stev.items():
        who = "people" if source.startswith("human/") else "GPT-3 (completions of the authors' prompt)"
        add(source, rows, {"tasks": _count(rows), "data": [sev_file], "citation": STEVENSON_CITATION, "licence": "MIT",
                           "how": f"Alternative Uses answers of {who} for book, fork and tin can; one response per "
                                  "respondent x object (the respondent's uses in file order, one per line)."})
    add("human/ocsai", ocsai, {"tasks": _count(ocsai), "data": [oc_file], "citation": OCSAI_CITATION, "licence": "MIT",
                               "how": "AUT val split (held out from the originality scorer's training); each row is one "
                                      "idea by one person, so each response is a single idea."}, unit="idea")
    for source, rows in writing.groupby("source", sort=True):
        rows = rows.reset_index(drop=True)
        mine = {k.split(" ", 1)[1]: v for k, v in temps.items() if k.split(" ", 1)[0] == source}
        who = "people (IMDb synopses, published haiku and flash fiction)" if source.startswith("human/") else source.split("/", 1)[1]
        add(source, rows, {"tasks": _count(rows), "data": wr_files, "citation": BELLEMARE_CITATION, "licence": "GPL-3.0",
                           "how": f"Texts by {who}; the union of both CSVs (a text in both counted once); poems left out.",
                           "prompts": {w.task_id: w.prompt for w in WRITING_ITEMS},
                           "temperatures": mine})
    return [by_source[k] for k in sorted(by_source)]


def subset(rows: pd.DataFrame, per_item: int | None, seed: int) -> pd.DataFrame:
    """At most ``per_item`` responses per task x item (a seeded draw, file order kept)."""
    if per_item is None:
        return rows
    parts = []
    for _, g in rows.groupby(["task_id", "item_id"], sort=True):
        parts.append(g if len(g) <= per_item else g.sample(per_item, random_state=seed).sort_index())
    out = pd.concat(parts).sort_index().reset_index(drop=True)
    out["sample_idx"] = out.groupby(["task_id", "item_id", "source"]).cumcount()
    return out


__all__ = [
    "BELLEMARE_CITATION", "OCSAI_CITATION", "PublishedSource", "STEVENSON_CITATION", "WRITING_ITEMS", "WRITING_MODELS",
    "WritingItem", "ocsai_rows", "published_sources", "stevenson_rows", "subset", "writing_rows",
]
