"""Every command of the README's "Run a blind rating study" section, run as written.

They run in a scratch folder laid out like the repository (``docs/`` and the published run
linked in, ``results/`` otherwise empty), so the default store ``results/ratings.db`` and
``results/pilot`` are made there and not in the checkout. ``rate`` is started as the real
command and waited for until its server answers; only its port is swapped for a free one
(8501 may be taken on a shared machine). Between ``rate`` and ``status`` the ratings that
raters would give are submitted through the store, as the app does.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request

import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.paths import REPO_ROOT
from benchmark.studies.store import close_stores, open_store
from tests.raters.browser import free_port

WITHDRAWN = "5f2b9c0e8d1a4b3c2d1e0f9a"


def section_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Run a blind rating study", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


def _rate_everything(db: str) -> None:
    """Seven raters do their sessions (answering checks as asked), one with the README's id."""
    store = open_store(db)
    raters = [WITHDRAWN] + [f"60a{n:021x}" for n in range(1, 12)]
    for n, rid in enumerate(raters):
        store.enter("pilot", rid, prolific_pid=rid, panel_study_id="pilot-on-prolific", session_id=f"s{n}")
        t = 1_000_000.0 + 10_000 * n
        while (a := store.claim("pilot", rid, now=t)) is not None:
            view = store.item_view("pilot", a["item_id"])
            asked = re.search(r"rate every scale (\d)", view["texts"][0])
            v = int(asked.group(1)) if asked else 1 + (len(view["texts"][0]) + n) % 5
            assert store.submit("pilot", rid, a["item_id"], {d["name"]: v for d in view["dimensions"]}, now=t + 20).ok
            t += 30


def test_every_command_of_the_study_section_runs(tmp_path, monkeypatch, capsys):
    cmds = section_commands()
    assert [c.split()[1:3] for c in cmds] == [["study", "create"], ["rate", "--study"], ["study", "status"],
                                              ["study", "export"], ["study", "withdraw"], ["analyze", "--db"]]
    (tmp_path / "docs").symlink_to(REPO_ROOT / "docs")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "smollm2-core").symlink_to(REPO_ROOT / "results" / "smollm2-core")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CREATIVITY_BENCH_DB", raising=False)
    close_stores()  # the default URL is relative: no store opened elsewhere may answer for it
    try:
        for cmd in cmds:
            argv = shlex.split(cmd)[1:]
            if argv[0] == "rate":
                _serve(argv)
                _rate_everything("sqlite:///results/ratings.db")
                continue
            assert main(argv) == 0, cmd
            out = capsys.readouterr().out
            if argv[:2] == ["study", "create"]:
                assert "completion PILOTDONE" in out and "{{%PROLIFIC_PID%}}" in out and "Raters needed" in out
            if argv[:2] == ["study", "status"]:
                status = json.loads(out)
                assert status["items_complete"] == status["items"] == 53
        likert = pd.read_csv(tmp_path / "results" / "pilot" / "pilot_likert.csv")
        assert {"prolific_pid", "panel_study_id", "session_id", "usable", "rater_stage"} <= set(likert.columns)
        assert WITHDRAWN in set(likert["prolific_pid"])  # exported before the withdrawal
        assert open_store("sqlite:///results/ratings.db").get_rater("pilot", WITHDRAWN)["stage"] == "withdrawn"
        report = json.loads((tmp_path / "results" / "pilot" / "report" / "report.json").read_text())
        assert report["modes"] == ["likert"] and WITHDRAWN not in {r["rater_id"] for r in report["raters"]}
    finally:
        close_stores()


def _serve(argv: list[str]) -> None:
    """`creativity-bench rate ...` as a process; wait until it serves, then stop it."""
    port = free_port()
    argv = [a if argv[i - 1] != "--port" else str(port) for i, a in enumerate(argv)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-m", "benchmark.cli", *argv], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"rate exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.5)
        pytest.fail("rate did not serve in 90 s")
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stderr.close()
