"""Each bad input of issue 14 (items 6-10) gets one line on stderr, exit code 2, no
traceback and nothing written; and the fixes that accept input (``--allow-duplicates``,
``item`` in ``study import``, a replay file by another path) do what they say.

Every case runs the real CLI (``benchmark.cli.main``) in a fresh working folder, with the
inputs in a separate folder, and checks afterwards that the working folder is still
empty and the inputs are unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from benchmark.cli import main

ROWS = [{"task_id": "aut", "item": "brick", "text": "a doorstop", "source": "human/p1"},
        {"task_id": "aut", "item": "brick", "text": "build a tiny wall", "source": "human/p1"}]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("inputs")
    pd.DataFrame(ROWS).assign(sample_idx=[0, None]).to_csv(d / "nan.csv", index=False)
    pd.DataFrame([ROWS[0], ROWS[1], ROWS[0]]).to_csv(d / "dup.csv", index=False)
    pd.DataFrame(ROWS[:1]).to_csv(d / "one.csv", index=False)
    pd.DataFrame(ROWS[:1]).rename(columns={"item": "item_id"}).to_csv(d / "replay.csv", index=False)
    pd.DataFrame(ROWS[:1]).drop(columns="source").to_csv(d / "nosrc.csv", index=False)
    pd.DataFrame(ROWS[:1]).assign(source="human/../../x y").to_csv(d / "badsrc.csv", index=False)
    replay = pd.DataFrame(ROWS[:1]).rename(columns={"item": "item_id"})
    replay.assign(source="human/../../x y").to_csv(d / "repbadsrc.csv", index=False)
    replay.drop(columns="source").to_csv(d / "repnosrc.csv", index=False)
    pd.DataFrame(ROWS[:1]).rename(columns={"item": "item_id"}).assign(sample_idx=[None]).to_csv(d / "repnan.csv", index=False)
    (d / "corrupt" / "r1").mkdir(parents=True)
    (d / "corrupt" / "r1" / "scores.parquet").write_bytes(b"not a parquet file")
    (d / "repeated" / "r1").mkdir(parents=True)
    score = {"task_id": "aut", "task_version": "1.0", "item_id": "brick", "source": "human/p1", "sample_idx": 0,
             "scorer": "fluency", "scorer_version": "1", "value": 1.0}
    pd.DataFrame([score, score]).to_parquet(d / "repeated" / "r1" / "scores.parquet")
    ratings = [{"item_id": f"i{k}", "rater_id": f"r{j}", "dimension": "originality", "value": 1 + (j + k) % 5}
               for k in range(4) for j in range(3)]
    pd.DataFrame(ratings + [{**ratings[0], "rater_id": "r9", "value": 33}]).to_csv(d / "r33.csv", index=False)
    pd.DataFrame(ratings + [{**ratings[0], "rater_id": "r9", "value": float("inf")}]).to_csv(d / "rinf.csv", index=False)
    pd.DataFrame(ratings + [ratings[0]]).to_csv(d / "rdup.csv", index=False)
    (d / "afile").write_text("a file where a folder would go\n")
    (d / "somedir").mkdir()
    return d


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*"))}


OPENAI = ["run", "--model", "openai/x", "-M", "base_url=http://127.0.0.1:9/v1", "--task", "aut", "--limit", "1",
          "--out", "run"]
CREATE = ["study", "create", "--id", "t", "--human", "{in}/one.csv", "--db", "sqlite:///{work}/ratings.db"]

# (id, argv with {in} and {work} filled in, a phrase the one line must hold)
CASES = [
    # item 1 (fixed in an earlier round, kept here so the whole list stays in one script)
    ("analyze: 33 on a 1-5 scale", ["analyze", "--ratings", "{in}/r33.csv", "--scale", "originality=ordinal:5",
                                    "--out", "an"], "row 13, column 'value'"),
    ("analyze: inf", ["analyze", "--ratings", "{in}/rinf.csv", "--out", "an"], "row 13, column 'value'"),
    ("analyze: repeated row", ["analyze", "--ratings", "{in}/rdup.csv", "--out", "an"], "--allow-duplicates"),
    # item 6: a NaN sample_idx
    ("score: NaN sample_idx", ["score", "--responses", "{in}/nan.csv", "--scorer", "fluency", "--out", "s.csv"],
     "column 'sample_idx' is empty"),
    ("study create --human: NaN sample_idx",
     ["study", "create", "--id", "t", "--human", "{in}/nan.csv", "--db", "sqlite:///{work}/ratings.db"],
     "column 'sample_idx' is empty"),
    ("study import: NaN sample_idx", ["study", "import", "--responses", "{in}/nan.csv", "--out", "imp"],
     "column 'sample_idx' is empty"),
    ("replay run: NaN sample_idx", ["run", "--model", "replay/{in}/repnan.csv", "--task", "aut", "--out", "run"],
     "column 'sample_idx' is empty"),
    # item 7: exact repeated rows
    ("score: repeated row", ["score", "--responses", "{in}/dup.csv", "--scorer", "fluency", "--out", "s.csv"],
     "row 3 repeats row 1 exactly"),
    ("study create --human: repeated row",
     ["study", "create", "--id", "t", "--human", "{in}/dup.csv", "--db", "sqlite:///{work}/ratings.db"],
     "--allow-duplicates"),
    ("study import: repeated row", ["study", "import", "--responses", "{in}/dup.csv", "--out", "imp"],
     "row 3 repeats row 1 exactly"),
    ("leaderboard: repeated score", ["leaderboard", "--results", "{in}/repeated", "--out", "lb"],
     "row 2 repeats row 1 (same task_id"),
    # item 8: tracebacks
    ("leaderboard: corrupt scores.parquet", ["leaderboard", "--results", "{in}/corrupt", "--out", "lb"],
     "cannot read parquet"),
    ("study status --db a folder", ["study", "status", "--db", "sqlite:///{in}/somedir"], "is a folder"),
    ("study create --db a folder", CREATE[:-1] + ["sqlite:///{in}/somedir"], "is a folder"),
    ("score --out under a file", ["score", "--responses", "{in}/one.csv", "--scorer", "fluency", "--out",
                                  "{in}/afile/s.csv"], "is a file, not a folder"),
    ("run --out under a file", ["run", "--model", "replay/{in}/replay.csv", "--task", "aut", "--out", "{in}/afile/run"],
     "is a file, not a folder"),
    ("leaderboard --out under a file", ["leaderboard", "--results", "{in}/repeated", "--out", "{in}/afile/lb",
                                        "--allow-duplicates"], "is a file, not a folder"),
    ("-M timeout=abc", OPENAI + ["-M", "timeout=abc"], "-M timeout=abc must be a number above 0"),
    ("-M concurrency=abc", OPENAI + ["-M", "concurrency=abc"], "-M concurrency=abc must be a whole number"),
    ("-M n_batch=abc", ["run", "--model", "llamacpp/smollm2", "-M", "n_batch=abc", "--task", "aut", "--out", "run"],
     "-M n_batch=abc must be a whole number"),
    ("-M max_mb=abc", ["run", "--model", "openai-images/x", "-M", "base_url=http://127.0.0.1:9/v1", "-M", "max_mb=abc",
                       "--task", "poster", "--out", "run"], "-M max_mb=abc must be a number above 0"),
    # item 9: options accepted without validation
    ("-M timeout=0", OPENAI + ["-M", "timeout=0"], "-M timeout=0 must be a number above 0"),
    ("-M timeout=-1", OPENAI + ["-M", "timeout=-1"], "-M timeout=-1 must be a number above 0"),
    ("-M base_url=http://[::1", OPENAI + ["-M", "base_url=http://[::1"], "is not a valid URL"),
    ("--temperature nan", OPENAI + ["--temperature", "nan"], "'--temperature': nan is not a finite number"),
    ("--temperature -5", OPENAI + ["--temperature", "-5"], "'--temperature': -5.0 is not a finite number"),
    ("--min-time -5", CREATE + ["--min-time", "-5"], "min_time_s (from --min-time)"),
    ("--lease -1", CREATE + ["--lease", "-1"], "lease_s (from --lease)"),
    ("--dimension :::", CREATE + ["--dimension", ":::"], "(from --dimension)"),
    ("study import --pool '../../x y'", ["study", "import", "--responses", "{in}/nosrc.csv", "--pool", "../../x y",
                                         "--out", "imp"], "bad pool name"),
    ("study create --pool '../../x y'", ["study", "create", "--id", "t", "--human", "{in}/nosrc.csv", "--pool",
                                         "../../x y", "--db", "sqlite:///{work}/ratings.db"], "pool '../../x y' must be"),
    ("a source human/../../x y", ["study", "import", "--responses", "{in}/badsrc.csv", "--out", "imp"],
     "bad pool name"),
    ("run: a replay source human/../../x y", ["run", "--model", "replay/{in}/repbadsrc.csv", "--task", "aut",
                                              "--limit", "1", "--out", "run"], "bad pool name"),
    ("run: -M source=human/../../x y", ["run", "--model", "replay/{in}/repnosrc.csv", "-M", "source=human/../../x y",
                                        "--task", "aut", "--limit", "1", "--out", "run"], "bad pool name"),
    ("run: a model that cannot load", ["run", "--model", "hf/no-such-local-model", "--task", "aut", "--limit", "1",
                                       "--out", "run"], "cannot load the model"),
    ("study status: no database", ["study", "status", "--db", "sqlite:///{work}/ratings.db"], "no ratings database"),
    ("study export: no database", ["study", "export", "--study", "s", "--out", "ex", "--db",
                                   "sqlite:///{work}/ratings.db"], "no ratings database"),
    ("study withdraw: no database", ["study", "withdraw", "--study", "s", "--rater", "r", "--db",
                                     "sqlite:///{work}/ratings.db"], "no ratings database"),
    # item 10: unclear messages
    ("study create --run NONEXISTENT", ["study", "create", "--id", "t", "--run", "NONEXISTENT", "--db",
                                        "sqlite:///{work}/ratings.db"], "NONEXISTENT: no such file or folder"),
]


@pytest.mark.parametrize("argv,phrase", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_nothing_written(argv, phrase, inputs, tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("CREATIVITY_BENCH_DB", raising=False)
    before = _snapshot(inputs)
    args = [a.replace("{in}", str(inputs)).replace("{work}", str(work)) for a in argv]
    code = main(args)
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert code == 2, out.err
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in out.err, out.err
    assert phrase in lines[0], lines[0]
    assert list(work.iterdir()) == [], "something was written"  # no ratings database, no half-written output
    assert _snapshot(inputs) == before


def test_allow_duplicates_counts_each_copy_as_its_own_sample(inputs, tmp_path, capsys):
    from benchmark.tabular import read_table

    assert main(["score", "--responses", str(inputs / "dup.csv"), "--scorer", "fluency", "--allow-duplicates",
                 "--out", str(tmp_path / "s.csv"), "--quiet"]) == 0
    scores = read_table(tmp_path / "s.csv")
    assert len(scores) == 3 and sorted(scores["sample_idx"]) == [0, 1, 2]
    assert main(["study", "import", "--responses", str(inputs / "dup.csv"), "--allow-duplicates",
                 "--out", str(tmp_path / "imp")]) == 0
    imported = read_table(tmp_path / "imp" / "responses.parquet")
    assert (imported["text"] == "a doorstop").sum() == 2 and imported["sample_idx"].is_unique
    assert main(["leaderboard", "--results", str(inputs / "repeated"), "--out", str(tmp_path / "lb"),
                 "--allow-duplicates", "--n-boot", "20"]) == 0


def test_study_import_takes_item_like_score(inputs, tmp_path, capsys):
    from benchmark.tabular import read_table

    assert main(["study", "import", "--responses", str(inputs / "nosrc.csv"), "--pool", "lab-1",
                 "--out", str(tmp_path / "imp")]) == 0
    df = read_table(tmp_path / "imp" / "responses.parquet")
    assert df["item_id"].tolist() == ["brick"] and df["source"].tolist() == ["human/lab-1"]


def test_the_same_replay_file_by_another_path_resumes_and_another_file_is_refused(inputs, tmp_path, monkeypatch, capsys):
    run = tmp_path / "run"
    monkeypatch.chdir(inputs)
    assert main(["run", "--model", "replay/replay.csv", "--task", "aut", "--limit", "1", "--out", str(run), "--quiet"]) == 0
    monkeypatch.chdir(tmp_path)
    rel = os.path.relpath(inputs / "replay.csv", tmp_path)
    assert main(["run", "--model", f"replay/{rel}", "--task", "aut", "--limit", "1", "--out", str(run), "--quiet"]) == 0
    assert "already done" in capsys.readouterr().out
    (tmp_path / "replay.csv").write_text((inputs / "replay.csv").read_text())  # the same name, another file
    assert main(["run", "--model", "replay/replay.csv", "--task", "aut", "--limit", "1", "--out", str(run), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "this folder holds a run of replay/" in err and f"(file {tmp_path / 'replay.csv'})" in err


def test_a_study_create_whose_first_write_fails_leaves_no_database(tmp_path):
    """A real write fault: the child may write files of at most a fresh store's size plus a
    little (RLIMIT_FSIZE), so the store opens and its schema is made, and then writing a
    300-item study fails with SQLite's own disk I/O error: one line, exit 2, no file left."""
    import subprocess
    import sys

    from benchmark.paths import REPO_ROOT
    from benchmark.studies import open_store
    from benchmark.studies.store import close_stores

    probe = tmp_path / "probe" / "ratings.db"
    probe.parent.mkdir()
    open_store(f"sqlite:///{probe}")  # how big an empty store's files grow, measured, not assumed
    limit = max(p.stat().st_size for p in probe.parent.iterdir()) + 4 * 4096
    close_stores()
    texts = pd.DataFrame({"task_id": "aut", "item_id": "brick", "source": "human/p1",
                          "text": [f"use number {i} for a brick" for i in range(300)]})
    texts.to_csv(tmp_path / "many.csv", index=False)
    work = tmp_path / "work"
    work.mkdir()
    child = ("import resource, signal, sys\n"
             "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing\n"
             f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
             "from benchmark.cli import main\n"
             "sys.exit(main(sys.argv[1:]))\n")
    argv = ["study", "create", "--id", "t", "--human", str(tmp_path / "many.csv"), "--db",
            f"sqlite:///{work / 'ratings.db'}"]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([sys.executable, "-c", child, *argv], cwd=work, env=env, capture_output=True, text=True,
                          timeout=300)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-3000:]
    # the store was opened (its file made; "cannot open" otherwise), then writing the study failed
    assert "cannot write the ratings store: disk I/O error" in lines[0], lines[0]
    assert list(work.iterdir()) == []  # no ratings.db, no -wal, -shm or -journal
