"""Automatic creativity scorers, their registry, and human norms.

    from benchmark.scoring import score_responses, get_scorer, human_percentile
    scores = score_responses(responses_df, ["fluency", "dat"])   # + human_percentile, norm_id

Scorers are lazy ``"module:Class"`` registry entries (nothing heavy is imported until a
scorer is chosen); each is also an ``evaluate`` module under
``benchmark/scoring/evaluate_modules/<name>/``.
"""

from benchmark.scoring.base import Scorer, get_scorer, score_frame, scorers

_ENTRIES = {
    "fluency": "benchmark.scoring.basics:Fluency",
    "elaboration": "benchmark.scoring.basics:Elaboration",
    "flexibility": "benchmark.scoring.basics:Flexibility",
    "duplicates": "benchmark.scoring.basics:Duplicates",
    "semdis_minilm": "benchmark.scoring.semantic_distance:SemDisMiniLM",
    "semdis_glove": "benchmark.scoring.semantic_distance:SemDisGlove",
    "originality": "benchmark.scoring.originality:LearnedOriginality",
    "dat": "benchmark.scoring.dat:DivergentAssociation",
    "rat": "benchmark.scoring.rat:RemoteAssociates",
    "judge_originality": "benchmark.scoring.judge:JudgeOriginality",
    "judge_writing": "benchmark.scoring.judge:JudgeWriting",
    "diversity": "benchmark.scoring.diversity:Diversity",
    "diversity_distance": "benchmark.scoring.diversity:DiversityDistance",
    "dsi": "benchmark.scoring.dsi:DivergentSemanticIntegration",
    "writing_creativity": "benchmark.scoring.writing_creativity:WritingCreativity",
    "judge_checklist": "benchmark.scoring.judge_checklist:JudgeChecklist",
}
for _name, _target in _ENTRIES.items():
    if _name not in scorers:
        scorers.register(_name, _target)

SCORER_NAMES = tuple(_ENTRIES)


def score_responses(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See ``benchmark.scoring.pipeline.score_responses`` (imported lazily: pandas, tqdm)."""
    from benchmark.scoring.pipeline import score_responses as run

    return run(*args, **kwargs)


def human_percentile(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See ``benchmark.scoring.norms.human_percentile``."""
    from benchmark.scoring.norms import human_percentile as lookup

    return lookup(*args, **kwargs)


def attach_percentiles(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See ``benchmark.scoring.norms.attach_percentiles``."""
    from benchmark.scoring.norms import attach_percentiles as attach

    return attach(*args, **kwargs)


def source_summary(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See ``benchmark.scoring.norms.source_summary``."""
    from benchmark.scoring.norms import source_summary as summary

    return summary(*args, **kwargs)


__all__ = [
    "SCORER_NAMES", "Scorer", "attach_percentiles", "get_scorer", "human_percentile", "score_frame",
    "score_responses", "scorers", "source_summary",
]
