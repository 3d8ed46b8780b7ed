"""Runner overhead: 1,000 requests to an OpenAI-compatible server that answers after 100 ms.

At concurrency 32 the ideal wall time is 1000 x 0.1 / 32 = 3.125 s; the ratio of our
runner's wall time to it should stay <= 1.15 (all of the runner counted: unit expansion,
retries layer, JSONL log with fsync, manifest, Parquet consolidation). In the same run
inspect-ai drives the same server with the same concurrency (its ``llama-cpp-python``
provider is a plain OpenAI-compatible client); ours / inspect should be <= 1.0.
The server runs in its own process so that it does not share our event loop or GIL.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmark.paths import REPO_ROOT

N_REQUESTS = 1000
CONCURRENCY = 32
DELAY_S = 0.1


def _start_server() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.runner.fake_openai_server", "--delay", str(DELAY_S), "--async-echo"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO_ROOT)
    port = int(proc.stdout.readline().split()[1])
    return proc, f"http://127.0.0.1:{port}/v1"


def _ours(url: str, n_requests: int, out: Path) -> float:
    from benchmark.models import get_model
    from benchmark.runner import Runner
    from tests.runner.helpers import make_item

    items = [make_item(f"obj{i:03d}", n=10, max_tokens=16) for i in range(n_requests // 10)]
    model = get_model("openai/echo", base_url=url, concurrency=CONCURRENCY)
    t0 = time.perf_counter()
    summary = Runner(model, items, out, use_cache=False, progress=False).run(close_model=True)
    wall = time.perf_counter() - t0
    assert summary.ok == n_requests, summary
    return wall


def _inspect(url: str, n_requests: int, warm: int) -> float:
    """One event loop for warm-up and the timed part: inspect's connection semaphore is
    bound to the loop that first used it."""
    from inspect_ai.model import GenerateConfig, get_model

    async def go() -> float:
        model = get_model("llama-cpp-python/echo", base_url=url, memoize=False,
                          config=GenerateConfig(max_connections=CONCURRENCY, max_tokens=16, temperature=0.8, seed=1))
        await asyncio.gather(*(model.generate(f"warm-up {i}") for i in range(warm)))
        t0 = time.perf_counter()
        outs = await asyncio.gather(*(model.generate(f"List creative uses for a obj{i:04d}.") for i in range(n_requests)))
        wall = time.perf_counter() - t0
        assert all(o.completion.startswith("echo:") for o in outs)
        return wall

    return asyncio.run(go())


def _bare_client(url: str, n_requests: int) -> float:
    """The floor on this machine right now: bare aiohttp requests, no runner at all."""
    import aiohttp

    async def go() -> float:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as session:
            async def one(i: int) -> None:
                body = {"model": "echo", "messages": [{"role": "user", "content": f"bare {i}"}], "max_tokens": 16}
                async with session.post(f"{url}/chat/completions", json=body) as resp:
                    await resp.read()

            t0 = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(n_requests)))
            return time.perf_counter() - t0

    return asyncio.run(go())


def run() -> list[dict]:
    proc, url = _start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _ours(url, 60, Path(tmp) / "warm")  # imports, first connections
            ours = _ours(url, N_REQUESTS, Path(tmp) / "bench")
            theirs = _inspect(url, N_REQUESTS, warm=60)
            bare = _bare_client(url, N_REQUESTS)
    finally:
        proc.kill()
        proc.wait()
    ideal = N_REQUESTS * DELAY_S / CONCURRENCY
    print(f"ours: {ours:.2f} s, inspect-ai: {theirs:.2f} s, bare aiohttp client: {bare:.2f} s, ideal: {ideal:.3f} s "
          f"({N_REQUESTS} requests, {DELAY_S * 1000:.0f} ms each, concurrency {CONCURRENCY})")
    return [
        {"bench": "runner: 1000 x 100 ms at c=32 vs ideal", "figure": f"{ours:.2f} s (ideal {ideal:.3f} s, bare aiohttp client {bare:.2f} s)",
         "ratio": ours / ideal, "target": "<= 1.15", "ok": ours / ideal <= 1.15},
        {"bench": "runner vs inspect-ai, same server", "figure": f"{ours:.2f} s vs {theirs:.2f} s",
         "ratio": ours / theirs, "target": "<= 1.0", "ok": ours / theirs <= 1.0},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
