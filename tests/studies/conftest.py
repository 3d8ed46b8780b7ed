from __future__ import annotations

import pytest

from tests.studies.fixtures import make_run, pg_schema_url, sqlite_url


@pytest.fixture
def run_dir(tmp_path):
    return make_run(tmp_path / "run-a")


@pytest.fixture
def db_url(tmp_path):
    return sqlite_url(tmp_path)


@pytest.fixture(scope="session")
def pg_url():
    url, drop = pg_schema_url()
    yield url
    from benchmark.studies.store import close_stores

    close_stores()
    drop()
