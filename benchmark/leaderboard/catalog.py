"""What the leaderboard knows about scorers, tasks and sources: names people can read,
the direction of better, and the one declared list of scorers per task.

Why one list: the published leaderboard, the ``make run`` table and the app must agree
on which scorer speaks for a task (the first of its list) and on which way is better, or
the same number reads as good in one place and bad in another (duplicates shown as the
"100th percentile"). Adding a scorer to the rebuild is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScorerInfo:
    """A scorer as a reader sees it."""

    label: str
    better: str  # "higher" or "lower"
    what: str


SCORERS: dict[str, ScorerInfo] = {
    "originality": ScorerInfo("Originality (learned)", "higher", "predicted mean human originality rating of the ideas, 1-5"),
    "semdis_minilm": ScorerInfo("Semantic distance (MiniLM)", "higher", "1 - cosine between the prompt and the answer, MiniLM"),
    "semdis_glove": ScorerInfo("Semantic distance (GloVe)", "higher", "1 - cosine between the prompt and the answer, GloVe 6B"),
    "fluency": ScorerInfo("Fluency", "higher", "number of valid ideas in the answer"),
    "elaboration": ScorerInfo("Elaboration", "higher", "words per idea"),
    "flexibility": ScorerInfo("Flexibility", "higher", "idea categories (embedding clusters)"),
    "duplicates": ScorerInfo("Duplicates", "lower", "repeated or near-repeated ideas within one answer"),
    "diversity": ScorerInfo("Diversity (distinct of 10)", "higher",
                            "expected number of distinct answers among 10 answers to the same prompt"),
    "diversity_distance": ScorerInfo("Diversity (mean pairwise distance)", "higher",
                                     "mean cosine distance between answers to the same prompt"),
    "dat": ScorerInfo("DAT", "higher", "mean semantic distance between the first 7 valid nouns, x100"),
    "rat": ScorerInfo("Remote Associates", "higher", "share of items solved"),
    "dsi": ScorerInfo("Divergent semantic integration", "higher", "mean pairwise distance of the text's contextual embeddings"),
    "writing_creativity": ScorerInfo("Writing creativity (learned)", "higher", "predicted mean human creativity rating"),
    "judge_originality": ScorerInfo("LLM judge: originality", "higher", "an LLM judge's originality rating, 1-5"),
    "judge_writing": ScorerInfo("LLM judge: writing", "higher", "an LLM judge's creativity rating, 1-5"),
}

# The rebuild scores every task with these scorers; the first one speaks for the task in
# the sources x tasks matrix: DSI for writing (validated against the published DSI, human
# norms for synopses, flash fiction and haiku); "diversity_distance" (the mean pairwise
# distance) follows "diversity" in both lists.
LISTS = ("originality", "semdis_minilm", "fluency", "flexibility", "elaboration", "duplicates", "diversity", "diversity_distance")
WRITING = ("dsi", "writing_creativity", "semdis_minilm", "diversity", "diversity_distance")
TASK_SCORERS: dict[str, tuple[str, ...]] = {
    "aut": LISTS, "consequences": LISTS, "instances": LISTS,
    "dat": ("dat",), "rat": ("rat",),
    **{t: WRITING for t in ("film_synopsis", "flash_fiction", "haiku", "story_three_words", "style_imitation",
                            "recipe", "song_lyrics", "fashion_concept", "building_concept", "product_pitch")},
}
# For a task outside the list: the first of these it was scored with.
FALLBACK_PRIMARY = ("originality", "dat", "rat", "dsi", "writing_creativity", "semdis_minilm", "judge_writing",
                    "judge_originality", "fluency", "diversity")

TASK_LABELS: dict[str, str] = {
    "aut": "Alternative Uses", "consequences": "Consequences", "instances": "Instances",
    "dat": "Divergent Association", "rat": "Remote Associates", "film_synopsis": "Film synopsis",
    "flash_fiction": "Flash fiction", "haiku": "Haiku", "story_three_words": "Three-word story",
    "style_imitation": "Style imitation", "recipe": "Recipe", "song_lyrics": "Song lyrics",
    "fashion_concept": "Fashion concept", "building_concept": "Building concept", "product_pitch": "Product pitch",
}
FAMILY_ORDER = ("divergent", "convergent", "writing", "style", "domain")

SOURCE_LABELS: dict[str, str] = {
    "human/stevenson2022": "People: Stevenson et al. 2022",
    "human/ocsai": "People: ocsai (single ideas)",
    "human/bellemare2024": "People: Bellemare-Pepin et al.",
    "replay/gpt-3": "GPT-3 (published answers)",
    "replay/gpt-4": "GPT-4 (published answers)",
    "replay/vicuna": "Vicuna (published answers)",
    "llamacpp/smollm2": "SmolLM2-135M-Instruct",
    "llamacpp/gemma3-270m": "Gemma 3 270M (base, completion)",
}


def scorer_info(name: str) -> ScorerInfo:
    """Known scorers as declared; any other is shown by its name, higher taken as better."""
    return SCORERS.get(name, ScorerInfo(name, "higher", "(no description; higher taken as better)"))


def primary_scorer(task_id: str, scorers_used: "set[str] | list[str]") -> str | None:
    """The scorer that speaks for ``task_id``: the first of its list that was used."""
    used = set(scorers_used)
    for name in TASK_SCORERS.get(task_id, ()) + FALLBACK_PRIMARY:
        if name in used:
            return name
    return sorted(used)[0] if used else None


def task_label(task_id: str) -> str:
    return TASK_LABELS.get(task_id, task_id.replace("_", " ").capitalize())


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source)


def task_order(task_ids: "list[str] | set[str]") -> list[str]:
    """Tasks by family (divergent first), then by the order of ``TASK_LABELS``, then by id."""
    from benchmark.tasks import load_all_tasks

    try:
        families = {t: task.family for t, task in load_all_tasks().items()}
    except Exception:  # a broken task folder must not hide the leaderboard
        families = {}
    known = list(TASK_LABELS)

    def key(t: str) -> tuple[int, int, str]:
        fam = families.get(t)
        return (FAMILY_ORDER.index(fam) if fam in FAMILY_ORDER else len(FAMILY_ORDER),
                known.index(t) if t in known else len(known), t)

    return sorted(set(task_ids), key=key)


__all__ = [
    "FALLBACK_PRIMARY", "SCORERS", "SOURCE_LABELS", "ScorerInfo", "TASK_LABELS", "TASK_SCORERS",
    "primary_scorer", "scorer_info", "source_label", "task_label", "task_order",
]
