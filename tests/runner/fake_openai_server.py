"""A small OpenAI-compatible chat server for fault injection and overhead benchmarks.

Real HTTP on loopback (stdlib ``ThreadingHTTPServer``, HTTP/1.1 keep-alive). The request's
``model`` field scripts the behaviour, so one server serves every test:

- ``echo``: answers ``echo: <last user message> | seed=<seed> | n=<request number>``;
- ``script:A,B,...``: the k-th attempt of the same request (same messages and seed) behaves
  as the k-th entry (the last one repeats): ``ok``, ``429@S`` (Retry-After S seconds),
  ``429date@S`` (Retry-After as an HTTP date S seconds ahead), ``500``, ``503``, ``400``,
  ``hang@S`` (sleep S seconds before answering, to trip a client timeout), ``badjson``,
  ``rate@N`` (answers ``Rating: N``, as a judge would).

Every answer waits ``delay`` seconds first. ``GET /stats`` returns the request log.
Run as ``python -m tests.runner.fake_openai_server --delay 0.1`` (prints ``PORT <n>``).
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator


class FakeState:
    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.attempts: dict[str, int] = {}
        self.log: list[dict[str, Any]] = []
        self.count = 0

    def next_attempt(self, key: str) -> tuple[int, int]:
        with self.lock:
            k = self.attempts.get(key, 0)
            self.attempts[key] = k + 1
            self.count += 1
            return k, self.count


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: FakeState  # set on the subclass made per server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, json.dumps({"object": "list", "data": [{"id": "echo", "object": "model"}]}).encode())
        elif self.path == "/stats":
            with self.state.lock:
                body = json.dumps({"count": self.state.count, "log": self.state.log}).encode()
            self._send(200, body)
        else:
            self._send(404, b'{"error": "not found"}')

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(length) or b"{}")
        messages = req.get("messages", [])
        seed = req.get("seed")
        key = hashlib.sha256(json.dumps([messages, seed], sort_keys=True).encode()).hexdigest()[:16]
        attempt, number = self.state.next_attempt(key)
        model = str(req.get("model", "echo"))
        behaviour = "ok"
        if model.startswith("script:"):
            steps = model.split(":", 1)[1].split(",")
            behaviour = steps[min(attempt, len(steps) - 1)]
        name, _, arg = behaviour.partition("@")
        t = time.time()
        with self.state.lock:
            self.state.log.append({"t": t, "key": key, "attempt": attempt, "behaviour": behaviour})
        if self.state.delay:
            time.sleep(self.state.delay)
        if name == "429":
            self._send(429, b'{"error": "rate limited"}', {"Retry-After": arg or "1"})
        elif name == "429date":
            when = email.utils.formatdate(time.time() + float(arg or 1), usegmt=True)
            self._send(429, b'{"error": "rate limited"}', {"Retry-After": when})
        elif name in {"500", "503", "400"}:
            self._send(int(name), json.dumps({"error": f"injected {name}"}).encode())
        elif name == "badjson":
            self._send(200, b'{"choices": [{"message": {"content": "trunc')
        else:
            if name == "hang":
                time.sleep(float(arg or 5))
            last = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
            text = f"Rating: {arg}" if name == "rate" else f"echo: {last} | seed={seed} | n={number}"
            body = {
                "id": f"chatcmpl-{number}", "object": "chat.completion", "created": int(t), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": len(text.split()), "total_tokens": 10 + len(text.split())},
            }
            try:
                self._send(200, json.dumps(body).encode())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)


def make_server(port: int = 0, delay: float = 0.0) -> tuple[ThreadingHTTPServer, FakeState]:
    state = FakeState(delay)
    handler = type("BoundHandler", (Handler,), {"state": state})
    ThreadingHTTPServer.request_queue_size = 256  # 32+ simultaneous connects must not overflow the backlog
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server, state


@contextmanager
def fake_server(delay: float = 0.0) -> Iterator[tuple[str, FakeState]]:
    """Serve in a background thread; yields (base_url ending in /v1, state)."""
    server, state = make_server(0, delay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    finally:
        server.shutdown()
        server.server_close()


def serve_async_echo(port: int, delay: float) -> None:
    """Echo only, on aiohttp's event-loop server: for throughput benchmarks, where a
    thread per connection would make the server, not the client, the bottleneck."""
    import asyncio
    import socket

    from aiohttp import web

    count = 0

    async def chat(request: web.Request) -> web.Response:
        nonlocal count
        req = await request.json()
        count += 1
        await asyncio.sleep(delay)
        last = next((m["content"] for m in reversed(req.get("messages", [])) if m.get("role") == "user"), "")
        text = f"echo: {last} | seed={req.get('seed')} | n={count}"
        return web.json_response({
            "id": f"chatcmpl-{count}", "object": "chat.completion", "created": int(time.time()), "model": req.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": len(text.split()), "total_tokens": 10 + len(text.split())},
        })

    async def models(request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "echo", "object": "model"}]})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_get("/v1/models", models)
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    web.run_app(app, sock=sock, print=None, access_log=None, backlog=512)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--async-echo", action="store_true", help="aiohttp event-loop server, echo only (benchmarks)")
    args = ap.parse_args()
    if args.async_echo:
        serve_async_echo(args.port, args.delay)
        return
    server, _ = make_server(args.port, args.delay)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
