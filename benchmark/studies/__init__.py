"""Blind human rating studies: design, blinding, assignment, the ratings store and exports.

    from benchmark.studies import StudySpec, create_study, open_store, export_ratings, load_config
    store = open_store("sqlite:///results/ratings.db")
    create_study(store, StudySpec("pilot", mode="likert", k=3), runs=["results/runs/r1"], humans=["h.csv"])
    export_ratings(store.url, "pilot")["likert"]
    spec, inputs = load_config("study.yaml")      # the same study from a config file
"""

from benchmark.studies.blinding import normalise_text, opaque_ids, reveals_source
from benchmark.studies.config import StudyFile, load_config
from benchmark.studies.design import (
    ENDS,
    MODES,
    StudySpec,
    completion_link,
    create_study,
    design_study,
    prepare_study,
    write_study,
)
from benchmark.studies.dimensions import DEFAULT_DIMENSIONS
from benchmark.studies.engine import SCHEMA_VERSION, default_db_url, migrate
from benchmark.studies.export import (
    export_ratings,
    export_responses,
    study_dimensions,
    study_status,
    write_ratings,
    write_responses,
)
from benchmark.studies.sources import load_sources
from benchmark.studies.store import Store, SubmitResult, open_store

__all__ = [
    "DEFAULT_DIMENSIONS", "ENDS", "MODES", "SCHEMA_VERSION", "Store", "StudyFile", "StudySpec", "SubmitResult",
    "completion_link", "create_study", "default_db_url", "design_study", "export_ratings", "export_responses",
    "load_config", "load_sources", "migrate", "normalise_text", "opaque_ids", "open_store", "prepare_study",
    "reveals_source", "study_dimensions", "study_status", "write_ratings", "write_study", "write_responses",
]
