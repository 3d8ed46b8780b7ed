"""The README's demo study, run for real: `media demo --study` makes two studies to rate."""

from __future__ import annotations

import re
import shlex

from benchmark.cli import main
from benchmark.media import find_metadata, probe
from benchmark.paths import REPO_ROOT
from benchmark.studies import export_ratings, open_store
from benchmark.studies.media_items import item_media, served_bytes


def _demo_study_command() -> list[str]:
    section = (REPO_ROOT / "README.md").read_text(encoding="utf-8").split("## Images and audio", 1)[1]
    section = section.split("\n## ", 1)[0]
    lines = [ln.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S) for ln in block.splitlines()]
    (command,) = [ln for ln in lines if ln.startswith("creativity-bench media demo") and "--study" in ln]
    return shlex.split(command)[1:]


def test_the_readme_demo_study_can_be_rated(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = _demo_study_command()
    assert main(args + ["--quiet"]) == 0
    said = capsys.readouterr().out
    out = tmp_path / args[args.index("--out") + 1]
    db = f"sqlite:///{(out / 'ratings.db').resolve()}"
    assert f"creativity-bench rate --db {db}" in said and "?study=media-demo-images" in said
    store = open_store(db)
    assert {s["study_id"]: s["mode"] for s in store.list_studies()} == {"media-demo-images": "pairwise",
                                                                         "media-demo-audio": "likert"}
    for study, kind, n in (("media-demo-images", "image", 40), ("media-demo-audio", "audio", 16)):
        cfg = store.config(study)
        assert cfg["media"]["kinds"] == [kind] and len(cfg["media"]["files"]) == n
        for entry in cfg["media"]["files"].values():
            data = served_bytes(cfg, entry)
            assert probe(data).kind == kind and find_metadata(data, entry["type"]) == []
        # a rater can take an item (an attention check has no media) and answer it
        store.enter(study, "newcomer")
        a = store.claim(study, "newcomer")
        assert item_media(store, study, a["item_id"]) is not None
        view = store.item_view(study, a["item_id"], a["swapped"])
        value = "left" if cfg["mode"] == "pairwise" else 4
        with store.write() as conn:  # let the listening time pass on the server clock
            from sqlalchemy import update

            from benchmark.studies.models import Assignment

            conn.execute(update(Assignment).where(Assignment.study_id == study).values(shown_at=Assignment.shown_at - 60))
        assert store.submit(study, "newcomer", a["item_id"], {d["name"]: value for d in view["dimensions"]}).ok
    # the export names procedural sources only, never human
    battles = export_ratings(db, "media-demo-images")["battles"]
    likert = export_ratings(db, "media-demo-audio")["likert"]
    sources = set(battles[["left_source", "right_source"]].stack()) | set(likert["source"])
    assert sources and all(s.startswith("procedural/") for s in sources)
    # a second demo into the same folder is refused in one line
    assert main(args + ["--quiet"]) == 2
