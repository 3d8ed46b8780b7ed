"""A real OpenAI-compatible server for the backend tests: llama-cpp-python's own server
serving the SmolLM2 GGUF on a free loopback port (started once per session)."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Iterator

import httpx
import pytest

from tests.runner.helpers import closed_port


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory) -> Iterator[str]:
    from benchmark.models.llamacpp import smollm2_gguf

    port = closed_port()
    # The server logs a lot (model load, access log): a file, not a pipe nobody drains.
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_gguf()), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "1024", "--n_threads", "1"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.time() > deadline:
                pytest.fail("llama_cpp.server did not answer /v1/models within 120 s")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
