"""Blind human rating studies: design, blinding, assignment, the ratings store and exports.

    from benchmark.studies import StudySpec, create_study, open_store, export_ratings
    store = open_store("sqlite:///results/ratings.db")
    create_study(store, StudySpec("pilot", mode="likert", k=3), runs=["results/runs/r1"], humans=["h.csv"])
    export_ratings(store.url, "pilot")["likert"]
"""

from benchmark.studies.blinding import normalise_text, opaque_ids, reveals_source
from benchmark.studies.design import DEFAULT_DIMENSIONS, MODES, StudySpec, create_study, design_study, load_sources
from benchmark.studies.export import (
    export_ratings,
    export_responses,
    study_status,
    write_ratings,
    write_responses,
)
from benchmark.studies.store import SCHEMA_VERSION, Store, SubmitResult, default_db_url, migrate, open_store

__all__ = [
    "DEFAULT_DIMENSIONS", "MODES", "SCHEMA_VERSION", "Store", "StudySpec", "SubmitResult", "create_study",
    "default_db_url", "design_study", "export_ratings", "export_responses", "load_sources", "migrate",
    "normalise_text", "opaque_ids", "open_store", "reveals_source", "study_status", "write_ratings",
    "write_responses",
]
