"""Per-row score cache: a re-score computes only rows (or configurations) not seen before."""

from __future__ import annotations

import pandas as pd

from benchmark.scoring import basics, score_responses


def _df(texts):
    return pd.DataFrame({"task_id": "aut", "item": "brick", "text": texts, "source": "m"})


def test_rescore_computes_only_changed_rows_and_matches_an_uncached_run(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE", str(tmp_path))
    calls: list[str] = []
    real = basics.Fluency.score_row
    monkeypatch.setattr(basics.Fluency, "score_row", lambda self, row: calls.append(row.text) or real(self, row))
    texts = ["a doorstop", "paperweight\nhold a door open", "grind it into pigment"]
    first = score_responses(_df(texts), ["fluency", "elaboration"], progress=False)
    assert len(calls) == 3
    again = score_responses(_df(texts[:2] + ["plant pot\nbookend"]), ["fluency", "elaboration"], progress=False)
    assert calls[3:] == ["plant pot\nbookend"]  # only the changed row is scored again
    plain = score_responses(_df(texts[:2] + ["plant pot\nbookend"]), ["fluency", "elaboration"], progress=False,
                            cache_scores=False)
    assert again.equals(plain) and first["value"].tolist()[:2] == again["value"].tolist()[:2]


def test_another_configuration_is_not_served_from_the_cache(tmp_path, monkeypatch, encoder):
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE", str(tmp_path))
    df = _df(["doorstop\nhold a door open\npaperweight\nweigh down papers\ngrind into pigment"])
    loose = score_responses(df, ["flexibility"], progress=False, flexibility={"distance_threshold": 0.95})
    tight = score_responses(df, ["flexibility"], progress=False, flexibility={"distance_threshold": 0.05})
    assert loose["value"][0] < tight["value"][0] and loose["scorer_version"][0] != tight["scorer_version"][0]


def test_a_refit_of_shipped_parameters_changes_the_fingerprint(tmp_path, monkeypatch):
    """Not only the code: a new writing_creativity (or originality) fit must never be
    served the cached scores of the old one."""
    import shutil

    from benchmark.scoring import score_cache

    root = tmp_path / "benchmark"
    shutil.copytree(score_cache._SCORING_DIR, root / "scoring", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "tasks").mkdir()
    shutil.copy(score_cache._SCORING_DIR.parent / "tasks" / "parse.py", root / "tasks" / "parse.py")
    monkeypatch.setattr(score_cache, "_SCORING_DIR", root / "scoring")
    before = score_cache.code_fingerprint.__wrapped__()
    params = root / "scoring" / "writing_creativity_params.json"
    params.write_text(params.read_text().replace('"intercept"', '"intercept" ', 1))
    assert score_cache.code_fingerprint.__wrapped__() != before
