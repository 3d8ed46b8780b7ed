"""``media demo --study``: the demo files as a run and two studies a newcomer can rate now.

Why: seeing a blind media study from the rater's side is the quickest way to understand
it. The procedural demo files (``benchmark.media.demo``: sources ``procedural/...``, never
human) are imported as a run (``OUT/run``), and two studies are written to a SQLite store
(``OUT/ratings.db`` unless ``db`` is given): an image pairwise study over the visual tasks
and an audio likert study over the music tasks, with their served, blinded files under
``OUT/media/<study>``. ``creativity-bench rate --db ...`` then serves both.
"""

from __future__ import annotations

import os
from pathlib import Path

from benchmark.errors import BenchError

IMAGE_STUDY = "media-demo-images"
AUDIO_STUDY = "media-demo-audio"


def make_demo_study(out: str | os.PathLike, seed: int = 0, db: str | None = None, progress: bool = True) -> dict:
    """Demo files, their run and both studies; returns where everything is and the study summaries."""
    from benchmark.media.demo import make_demo
    from benchmark.media.importer import import_manifest
    from benchmark.studies import StudySpec, create_study, open_store
    from benchmark.tasks import load_all_tasks

    out = Path(out)
    if db:  # a store of its own: check it before any file is made
        store = open_store(db)
        taken = {s["study_id"] for s in store.list_studies()} & {IMAGE_STUDY, AUDIO_STUDY}
        if taken:
            raise BenchError(f"the store already holds {', '.join(sorted(taken))}", where=store.safe_url,
                             fix="give another --db")
    manifest = make_demo(out, seed=seed, progress=progress)
    store = open_store(db or f"sqlite:///{(out / 'ratings.db').resolve()}")
    run = out / "run"
    import_manifest(manifest, run, seed=seed, progress=progress)
    tasks = load_all_tasks().values()
    visual = sorted(t.task_id for t in tasks if t.answer_format == "image")
    music = sorted(t.task_id for t in tasks if t.answer_format == "audio")
    media = {"dir": None, "max_side": 512}
    common = {"k": 3, "seed": seed, "check_rate": 0.1, "items_per_rater": 8, "min_time_s": 2.0}
    images = create_study(store, StudySpec(IMAGE_STUDY, mode="pairwise", tasks=visual, title="Which design is more creative?",
                                           media={**media, "dir": str((out / "media" / IMAGE_STUDY).resolve())},
                                           **common), runs=[run])
    audio = create_study(store, StudySpec(AUDIO_STUDY, mode="likert", tasks=music, title="How creative is this music?",
                                          media={**media, "dir": str((out / "media" / AUDIO_STUDY).resolve()),
                                                 "listen_s": 3.0}, **common), runs=[run])
    return {"manifest": manifest, "run": run, "db": store.safe_url, "studies": {IMAGE_STUDY: images, AUDIO_STUDY: audio}}
