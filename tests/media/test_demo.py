"""The README's "Images and audio" commands, run for real: demo -> import -> sanitize -> replay."""

from __future__ import annotations

import io
import re
import shlex

import pandas as pd

from benchmark.cli import main
from benchmark.media import find_metadata, probe
from benchmark.media.demo import IMAGE_SIZE, _rng, shapes_image
from benchmark.paths import REPO_ROOT
from benchmark.tasks import get_item
from tests.media.test_sanitize import OPAQUE


def readme_media_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Images and audio", 1)[1].split("\n## ", 1)[0]
    first_block = re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)
    return [line.strip() for line in first_block.splitlines() if line.strip().startswith("creativity-bench")]


def test_the_readme_media_walkthrough_runs(tmp_path, monkeypatch, capsys):
    commands = readme_media_commands()
    assert [shlex.split(c)[1:3] for c in commands] == [["media", "demo"], ["media", "import"], ["media", "sanitize"],
                                                        ["run", "--model"]]
    monkeypatch.chdir(tmp_path)
    for command in commands:
        assert main(shlex.split(command)[1:] + ["--quiet"]) == 0, command
    exports = tmp_path / "results" / "media-demo" / "exports"
    manifest = pd.read_csv(exports / "manifest.csv")
    assert len(manifest) == 56 and manifest["source"].str.startswith("procedural/").all()
    assert '"seed": 0' in (exports / "demo.json").read_text()
    kinds = manifest["media_path"].map(lambda p: probe(exports / p).media_type).value_counts().to_dict()
    assert kinds == {"image/png": 20, "image/jpeg": 20, "audio/wav": 8, "audio/flac": 8}
    # the same seed draws the same picture
    row = manifest[manifest["source"] == "procedural/shapes"].iloc[0]
    redrawn = io.BytesIO()
    label = get_item(row["task_id"], row["item"]).item
    shapes_image(_rng(0, row["task_id"], row["item"], "procedural/shapes"), label, IMAGE_SIZE).save(redrawn, "PNG")
    assert redrawn.getvalue() == (exports / row["media_path"]).read_bytes()
    run = pd.read_parquet(tmp_path / "results" / "media-demo" / "run" / "responses.parquet")
    assert len(run) == 56 and run["error"].isna().all() and not run["source"].str.startswith("human/").any()
    served = list((tmp_path / "results" / "media-demo" / "served").iterdir())
    assert len(served) == 56 and all(OPAQUE.match(p.name) for p in served)
    assert {probe(p).media_type for p in served} == {"image/png", "audio/wav"}
    assert all(find_metadata(p.read_bytes(), probe(p).media_type) == [] for p in served)
    shapes = pd.read_parquet(tmp_path / "results" / "media-demo" / "run-shapes" / "responses.parquet")
    assert len(shapes) == 20 and set(shapes["source"]) == {"procedural/shapes"} and shapes["error"].isna().all()
