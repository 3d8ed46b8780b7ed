"""`creativity-bench score` on a run folder and on a plain CSV; bad input is one line, exit 2."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

import pandas as pd
import pytest

from benchmark.cli import main
from benchmark.records import RESPONSE_COLUMNS, SCORE_COLUMNS


def run_folder(tmp_path):
    rows = []
    now = datetime.now(timezone.utc).isoformat()
    answers = {("aut", "brick"): ["doorstop\npaperweight\nbuild a wall", "doorstop\ndoorstop"],
               ("dat", "dat"): ["cat\ndog\ntable\nvolcano\njustice\nspoon\ngalaxy\ntree\nsky\nfork", "cat\ndog"],
               ("rat", "moon_house_flash"): ["Light", "lamp"]}
    for (task, item), texts in answers.items():
        for i, text in enumerate(texts):
            rows.append({"run_id": "r1", "task_id": task, "task_version": "1.0", "item_id": item,
                         "source": "llamacpp/smollm2", "sample_idx": i, "seed": i, "prompt": "p", "text": text,
                         "ideas": text.split("\n") if task == "aut" else None, "latency_s": 0.1, "tokens": 5,
                         "error": None, "created_at": now})
    d = tmp_path / "r1"
    d.mkdir()
    pd.DataFrame(rows, columns=RESPONSE_COLUMNS).to_parquet(d / "responses.parquet")
    return d


def test_score_run_folder(tmp_path, capsys):
    out = tmp_path / "scores.parquet"
    assert main(["score", "--responses", str(run_folder(tmp_path)), "--scorer", "fluency,dat,rat", "--out", str(out)]) == 0
    s = pd.read_parquet(out)
    assert list(s.columns) == SCORE_COLUMNS + ["human_percentile", "norm_id"]
    # each scorer only where it applies: 2 AUT rows x fluency, 2 DAT rows x dat, 2 RAT rows x rat
    assert sorted(s.groupby("scorer").size().items()) == [("dat", 2), ("fluency", 2), ("rat", 2)]
    dat = s[s.scorer == "dat"].set_index("sample_idx")
    assert 50 < dat.loc[0, "human_percentile"] <= 100 and dat.loc[0, "norm_id"].startswith("olson2021-dat")
    assert math.isnan(dat.loc[1, "value"]) and "only 2 valid" in json.loads(dat.loc[1, "details"])["reason"]
    rat = s[s.scorer == "rat"].set_index("sample_idx")
    assert rat.loc[0, "value"] == 1.0 and rat.loc[1, "value"] == 0.0
    printed = capsys.readouterr().out
    assert "llamacpp/smollm2" in printed and "human P" in printed


def test_score_plain_csv_with_missing_text(tmp_path):
    csv = tmp_path / "answers.csv"
    csv.write_text('task_id,item,text\naut,brick,"doorstop\npaperweight"\naut,brick,\naut,tin can,"drum\nphone"\n')
    out = tmp_path / "s.csv"
    assert main(["score", "--responses", str(csv), "--scorer", "fluency,elaboration", "--out", str(out)]) == 0
    s = pd.read_csv(out)
    fl = s[s.scorer == "fluency"].reset_index(drop=True)
    assert fl["value"].tolist()[0] == 2.0 and math.isnan(fl["value"][1]) and fl["value"][2] == 2.0
    assert "no response text" in json.loads(fl["details"][1])["reason"]  # NaN with a reason, never 0
    assert set(fl["source"]) == {"unknown"} and fl["item_id"].tolist() == ["brick", "brick", "tin_can"]


@pytest.mark.parametrize("args,needle", [
    (["--scorer", "fluenzy"], "did you mean 'fluency'"),
    (["--scorer", "dat", "--vectors", "NOFILE.txt"], "word-vectors file not found"),
    (["--scorer", "fluency", "-O", "fluency.bogus=1"], "has no option 'bogus'"),
])
def test_bad_options_are_one_line_exit_2(tmp_path, capsys, args, needle):
    csv = tmp_path / "a.csv"
    csv.write_text("task_id,item,text\ndat,dat,cat\n")
    out = tmp_path / "s.csv"
    assert main(["score", "--responses", str(csv), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_missing_columns_and_missing_run_folder_file(tmp_path, capsys):
    csv = tmp_path / "a.csv"
    csv.write_text("task,answer\naut,brick\n")
    assert main(["score", "--responses", str(csv), "--scorer", "fluency", "--out", str(tmp_path / "s.csv")]) == 2
    assert "missing column(s) task_id" in capsys.readouterr().err
    (tmp_path / "empty_run").mkdir()
    assert main(["score", "--responses", str(tmp_path / "empty_run"), "--out", str(tmp_path / "s.csv")]) == 2
    assert "no responses.parquet" in capsys.readouterr().err


def test_wrong_format_vectors_file(tmp_path, capsys):
    vec = tmp_path / "vec.txt"
    vec.write_text("cat 0.1 0.2 0.3\ndog 0.1 nope 0.3\n")
    csv = tmp_path / "a.csv"
    csv.write_text("task_id,item,text\ndat,dat,cat\n")
    assert main(["score", "--responses", str(csv), "--scorer", "dat", "--vectors", str(vec), "--out", str(tmp_path / "s.csv")]) == 2
    assert "line 2" in capsys.readouterr().err


def test_unknown_judge_option_is_one_line(tmp_path, capsys):
    csv = tmp_path / "a.csv"
    csv.write_text("task_id,item,text\naut,brick,doorstop\n")
    code = main(["score", "--responses", str(csv), "--scorer", "judge_originality", "-O", "judge_originality.max_idea=3",
                 "--out", str(tmp_path / "s.csv")])
    assert code == 2
    assert "did you mean 'max_ideas'" in capsys.readouterr().err
