from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from benchmark.paths import REPO_ROOT
from benchmark.studies import StudySpec, create_study, open_store
from tests.studies.fixtures import make_run, pg_schema_url

APP = str(REPO_ROOT / "raters" / "app.py")


@pytest.fixture(scope="module")
def pg_url():
    url, drop = pg_schema_url()
    yield url
    from benchmark.studies.store import close_stores

    close_stores()
    drop()


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    """A fresh SQLite store the app under test reads through CREATIVITY_BENCH_DB."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("CREATIVITY_BENCH_DB", url)
    monkeypatch.delenv("CREATIVITY_BENCH_STUDY", raising=False)
    monkeypatch.delenv("CREATIVITY_BENCH_ADMIN_SECRET", raising=False)
    return url


@pytest.fixture
def make_study(app_db, tmp_path):
    """Create a study from a small two-model run (plus human files, if given); returns the store."""
    def _make(study_id: str = "s", texts: dict | None = None, objects=("brick",), samples: int = 2,
              humans=(), **kw):
        run = make_run(tmp_path / f"run-{study_id}", objects=objects, samples=samples, texts=texts)
        spec = StudySpec(study_id, **{"k": 1, "min_time_s": 0, "check_rate": 0, **kw})
        create_study(open_store(app_db), spec, runs=[run], humans=list(humans))
        return open_store(app_db)
    return _make


def open_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def answer_all(at: AppTest, likert: int = 3, choice: str = "left", guess: str = "human", yes: int = 1,
               reason: str | None = None) -> AppTest:
    """Answer every radio on the page: likert/confidence with ``likert``, pairwise with
    ``choice``, turing with ``guess``, checklist tests with ``yes`` (1/0) and ``reason``."""
    for r in at.radio:
        key = r.key or ""
        if key.startswith("pw_"):
            r.set_value(choice)
        elif key.startswith("guess_"):
            r.set_value(guess)
        elif key.startswith("chk_"):
            r.set_value(yes)
        else:
            r.set_value(likert)
    if reason is not None:
        for t in at.text_input:
            if (t.key or "").startswith("why_"):
                t.input(reason)
    return at


def through_practice(at: AppTest) -> AppTest:
    """Consent, instructions and the practice items, as a willing rater does them."""
    at.button(key="consent_yes").click().run()
    at.button(key="instructions_next").click().run()
    answer_all(at)
    at.button(key="practice_done").click().run()
    return at


def rate_until_done(at: AppTest, limit: int = 50, **answers) -> int:
    n = 0
    while any(b.key == "submit" for b in at.button) and n < limit:
        answer_all(at, **answers)
        at.button(key="submit").click().run()
        n += 1
    return n
