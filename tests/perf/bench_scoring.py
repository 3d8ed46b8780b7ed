"""Scoring a human-sized data set: throughput against a raw encode, re-scores, peak memory,
and one runaway 5 MB response (issue 14).

Every measurement is a fresh process, started the way a user starts one, so no side
gets a warm import, a loaded model or a filled cache from the other:

1. ``raw``: a process that imports sentence-transformers, loads all-MiniLM-L6-v2 from the
   shipped wheel and encodes the distinct texts once (batch 64, normalised).
2. ``cold``: a process that scores the same ideas with the default scorers of their tasks
   (``score_responses``: fluency, elaboration, flexibility, duplicates, semdis_minilm,
   semdis_glove, originality, diversity) from an empty cache folder
   (``CREATIVITY_BENCH_CACHE``: embeddings, word vectors, word features) and writes the
   scores. Target: cold <= 1.5x raw.
3. ``rescore``: the same in another fresh process, cache folder now filled (embeddings,
   word features, diversity's group partitions, the per-row score cache). Target:
   cold / rescore >= 20.
4. Peak memory (``ru_maxrss``) of the cold process is printed.
5. ``huge``: a fresh process scores one 5 MB AUT answer (115k lines) plus ten normal ones
   with the default scorers, from an empty cache (so it loads the model and builds the
   GloVe index too). Target: < 30 s of CPU (it is truncated to the per-response bound,
   ``max_ideas``/``max_chars``, with the reason in ``details``).

Times are process CPU time (user + system, all threads) with torch and BLAS on one
thread: the development machine is 2 cores shared by several jobs, so wall time mostly
measures the neighbours (wall times are printed too). The ideas are human AUT,
Consequences and Instances answers from ``../shared/data/ocsai-aut`` (one idea per row,
thousands per prompt, as a human data set has); ``CREATIVITY_BENCH_N`` (default 50000)
sets how many. ocsai has about 29k distinct ideas, so rows beyond those are a second
source giving ideas the first one gave (a seeded draw): the raw encode gets each
distinct text once, as the scorer's cache does.

Run: ``.venv/bin/python -m tests.perf scoring`` (also part of ``make perf``).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = int(os.environ.get("CREATIVITY_BENCH_N", "50000"))
ROOT = Path(__file__).resolve().parents[2]
HUGE_BYTES = 5_000_000
TASK_OF = {"uses": "aut", "consequences": "consequences", "instances": "instances"}


def build_ideas(n: int, out: Path) -> int:
    """``n`` distinct human ideas (task_id, item, text, source) into a parquet file."""
    import pandas as pd

    from benchmark.paths import shared_data_dir
    from benchmark.scoring.originality import read_ocsai_jsonl

    data = shared_data_dir()
    if data is None:
        raise RuntimeError("../shared/data is needed for the scoring benchmark")
    folder = data / "ocsai-aut"
    frames = [read_ocsai_jsonl(folder / f) for f in ("aut_train.jsonl", "aut_val.jsonl", "alltasks_train.jsonl",
                                                      "alltasks_val.jsonl")]
    df = pd.concat(frames, ignore_index=True)
    df["text"] = df["text"].astype(str).str.strip()
    df = df[df["text"] != ""].drop_duplicates("text")
    task = df["task"].astype(str).str.lower().map(lambda t: next((v for k, v in TASK_OF.items() if k in t), "aut"))
    table = pd.DataFrame({"task_id": task.to_numpy(), "item": df["item"].astype(str).to_numpy(),
                          "text": df["text"].to_numpy(), "source": "human/ocsai-bench"}).head(n)
    if len(table) < n:
        # ocsai holds ~29k distinct ideas: the rest is a second pool of people giving ideas
        # the first pool gave too (seeded draw), as answers to one prompt repeat in any
        # human data set. The raw encode gets the distinct texts, the scorer all rows.
        extra = table.sample(n - len(table), replace=True, random_state=0).assign(source="human/ocsai-bench-b")
        table = pd.concat([table, extra], ignore_index=True)
    table.to_parquet(out, index=False)
    return len(table)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child_raw(path: str) -> None:
    """Fresh process: import sentence-transformers, load MiniLM, encode the distinct texts."""
    t0 = time.perf_counter()
    import pandas as pd
    from sentence_transformers import SentenceTransformer

    from benchmark.scoring.embeddings import minilm_dir

    texts = list(dict.fromkeys(pd.read_parquet(path)["text"].tolist()))
    model = SentenceTransformer(str(minilm_dir()), device="cpu", local_files_only=True)
    t1 = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    print(json.dumps({"cpu": _cpu(), "wall": time.perf_counter() - t0, "encode_wall": time.perf_counter() - t1,
                      "texts": len(texts)}))


def child_score(path: str, out: str) -> None:
    """Fresh process: score with the default scorers of each task, write the scores."""
    t0 = time.perf_counter()
    import pandas as pd

    from benchmark.scoring import score_responses

    # torch (only imported when a text is not cached) takes its one thread from OMP_NUM_THREADS
    scores = score_responses(pd.read_parquet(path), progress=False)
    scores.to_parquet(out, index=False)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"cpu": _cpu(), "wall": time.perf_counter() - t0, "maxrss": rss, "rows": len(scores),
                      "scorers": sorted(scores["scorer"].unique())}))


def _run(args: list[str], cache: Path) -> dict:
    env = dict(os.environ, CREATIVITY_BENCH_CACHE=str(cache), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "tests.perf.bench_scoring", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _huge_table(path: Path) -> None:
    import pandas as pd

    lines, size, i = [], 0, 0
    while size < HUGE_BYTES:
        line = f"{i + 1}. use the brick as a tool for job number {i} in the garden or the house"
        lines.append(line)
        size += len(line) + 1
        i += 1
    normal = ["doorstop\npaperweight\nbuild a wall", "grind it into pigment\na plant pot"] * 5
    pd.DataFrame({"task_id": "aut", "item": "brick", "source": ["human/huge"] + ["human/normal"] * 10,
                  "text": ["\n".join(lines)] + normal}).to_parquet(path, index=False)


def run() -> list[dict]:
    work = Path(tempfile.mkdtemp(prefix="cb-bench-scoring-"))
    ideas = work / "ideas.parquet"
    n = build_ideas(N, ideas)
    cache = work / "cache"
    raw = _run(["raw", str(ideas)], work / "raw-cache")
    print(f"raw sentence-transformers encode of {raw['texts']} distinct texts, fresh process: "
          f"CPU {raw['cpu']:.1f} s, wall {raw['wall']:.1f} s (encode alone {raw['encode_wall']:.1f} s)")
    cold = _run(["score", str(ideas), str(work / "scores.parquet")], cache)
    print(f"score {n} ideas ({raw['texts']} distinct; {', '.join(cold['scorers'])}), fresh process, empty cache: CPU {cold['cpu']:.1f} s, "
          f"wall {cold['wall']:.1f} s, peak RSS {cold['maxrss'] / 1e9:.2f} GB, {cold['rows']} scores")
    again = _run(["score", str(ideas), str(work / "scores2.parquet")], cache)
    print(f"re-score, fresh process, filled cache: CPU {again['cpu']:.2f} s, wall {again['wall']:.2f} s")
    huge_in = work / "huge.parquet"
    _huge_table(huge_in)
    huge = _run(["score", str(huge_in), str(work / "huge-scores.parquet")], work / "huge-cache")
    import pandas as pd

    cut = pd.read_parquet(work / "huge-scores.parquet")
    truncated = cut[cut["source"] == "human/huge"]["details"].map(lambda d: "truncated" in json.loads(d)).all()
    print(f"one 5 MB answer (+10 normal), fresh process, empty cache: wall {huge['wall']:.1f} s, CPU {huge['cpu']:.1f} s, "
          f"peak RSS {huge['maxrss'] / 1e9:.2f} GB, truncation noted in details: {truncated}")
    ratio = cold["cpu"] / raw["cpu"]
    speed = cold["cpu"] / again["cpu"]
    return [
        {"bench": f"score {n} ideas, default scorers, cold cache vs raw encode (CPU, fresh processes)",
         "figure": f"{cold['cpu']:.1f} s vs {raw['cpu']:.1f} s", "ratio": ratio, "target": "<= 1.5", "ok": ratio <= 1.5},
        {"bench": f"re-score {n} ideas in a fresh process (CPU)", "figure": f"{again['cpu']:.2f} s vs {cold['cpu']:.1f} s",
         "ratio": speed, "target": ">= 20", "ok": speed >= 20},
        {"bench": f"peak memory scoring {n} ideas", "figure": f"{cold['maxrss'] / 1e9:.2f} GB",
         "ratio": cold["maxrss"] / 2e9, "target": "< 2 GB (ratio < 1)", "ok": cold["maxrss"] < 2e9},
        {"bench": "one 5 MB answer (115k lines) + 10 normal, fresh process, empty cache (CPU)",
         "figure": f"{huge['cpu']:.1f} s (wall {huge['wall']:.1f} s)", "ratio": huge["cpu"] / 30.0,
         "target": "< 30 s (ratio < 1)", "ok": huge["cpu"] < 30 and bool(truncated)},
    ]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "raw":
        child_raw(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "score":
        child_score(sys.argv[2], sys.argv[3])
    else:
        for r in run():
            print(r)
