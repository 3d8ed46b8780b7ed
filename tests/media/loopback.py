"""A loopback server speaking the OpenAI images and chat APIs, for tests only.

No image model and no vision model can run offline here, so this stands in for them and
is used for nothing else: the images backend's protocol and faults, and the vision
judge's requests. Real HTTP on 127.0.0.1 (stdlib ``ThreadingHTTPServer``).

``POST /v1/images/generations``: the request's ``model`` scripts the behaviour, as
``script:A,B,...`` where the k-th attempt at the same prompt behaves as the k-th entry (the
last repeats): ``ok`` (a real PNG, its colours drawn from the prompt), ``url`` (a URL on this
server to download the PNG from), ``429@S`` (Retry-After S), ``500``, ``400``, ``hang``
(block until the server stops, to trip a client time-out), ``badjson``, ``notimage``
(valid base64 of text). A plain model name means ``ok``.

``POST /v1/chat/completions`` (the judge): finds the ``image_url`` data URL in the last
user turn, decodes the image, and rates every dimension of the requested reply format
``1 + round(4 * mean brightness / 255)``, so the rating depends on the pixels it received.
Model ``garbled`` answers nonsense first, then properly. ``GET /stats`` is the request log.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator


def png_for(prompt: str, size: int = 48) -> bytes:
    """A real PNG whose colours come from the prompt (different prompts, different images)."""
    import numpy as np
    from PIL import Image

    seed = int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:4], "big")
    rng = np.random.default_rng(seed)
    arr = np.zeros((size, size, 3), np.uint8) + rng.integers(0, 256, 3, dtype=np.uint8)
    arr[size // 4: 3 * size // 4, size // 4: 3 * size // 4] = rng.integers(0, 256, 3, dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PNG")
    return buf.getvalue()


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.attempts: dict[str, int] = {}
        self.log: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}

    def attempt(self, key: str) -> int:
        with self.lock:
            k = self.attempts.get(key, 0)
            self.attempts[key] = k + 1
            return k

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.log.append(entry)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (time-out test)

    def do_GET(self) -> None:
        if self.path == "/stats":
            with self.state.lock:
                self._send(200, json.dumps({"log": self.state.log}).encode())
        elif self.path.startswith("/files/") and self.path[7:] in self.state.files:
            self._send(200, self.state.files[self.path[7:]], content_type="image/png")
        else:
            self._send(404, b'{"error": "not found"}')

    def do_POST(self) -> None:
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        auth = self.headers.get("Authorization")
        if self.path.endswith("/images/generations"):
            self._images(req, auth)
        elif self.path.endswith("/chat/completions"):
            self._chat(req)
        else:
            self._send(404, b'{"error": "not found"}')

    def _images(self, req: dict[str, Any], auth: str | None) -> None:
        prompt = str(req.get("prompt", ""))
        model = str(req.get("model", ""))
        attempt = self.state.attempt(prompt)
        steps = model.split(":", 1)[1].split(",") if model.startswith("script:") else ["ok"]
        name, _, arg = steps[min(attempt, len(steps) - 1)].partition("@")
        self.state.record({"kind": "images", "prompt": prompt, "attempt": attempt, "behaviour": name,
                           "body": req, "authorization": auth})
        png = png_for(prompt)
        if name == "429":
            self._send(429, b'{"error": {"message": "rate limited"}}', {"Retry-After": arg or "0"})
        elif name in ("500", "400"):
            self._send(int(name), json.dumps({"error": {"message": f"injected {name}"}}).encode())
        elif name == "hang":
            self.state.stop.wait(60)
        elif name == "badjson":
            self._send(200, b'{"data": [{"b64_json": "iVBORw0')
        elif name == "notimage":
            body = {"created": 1, "data": [{"b64_json": base64.b64encode(b"just some text, not a picture").decode()}]}
            self._send(200, json.dumps(body).encode())
        elif name == "url":
            key = hashlib.sha256(png).hexdigest()[:12] + ".png"
            with self.state.lock:
                self.state.files[key] = png
            host, port = self.server.server_address[:2]
            self._send(200, json.dumps({"created": 1, "data": [{"url": f"http://{host}:{port}/files/{key}"}]}).encode())
        else:
            body = {"created": 1, "data": [{"b64_json": base64.b64encode(png).decode(), "revised_prompt": prompt}]}
            self._send(200, json.dumps(body).encode())

    def _chat(self, req: dict[str, Any]) -> None:
        import numpy as np
        from PIL import Image

        messages = req.get("messages", [])
        user = next(m for m in messages if m.get("role") == "user")
        parts = user["content"] if isinstance(user["content"], list) else []
        text = " ".join(p.get("text", "") for p in parts if p.get("type") == "text")
        url = next((p["image_url"]["url"] for p in parts if p.get("type") == "image_url"), "")
        media_type, _, b64 = url.partition(";base64,")
        image = base64.b64decode(b64) if b64 else b""
        self.state.record({"kind": "chat", "media_type": media_type.removeprefix("data:"), "image": image,
                           "text": text, "turns": len(messages)})
        brightness = float(np.asarray(Image.open(io.BytesIO(image)).convert("L")).mean()) if image else 0.0
        rating = 1 + round(4 * brightness / 255)
        dims = re.findall(r"^(\w+): <1-5>$", text, flags=re.M)
        if req.get("model") == "garbled" and len(messages) <= 2:
            reply = "What a lovely picture!"
        else:
            reply = "\n".join(f"{d}: {rating}" for d in dims)
        body = {"id": "x", "object": "chat.completion", "model": req.get("model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        self._send(200, json.dumps(body).encode())


@contextmanager
def loopback_server() -> Iterator[tuple[str, State]]:
    """Serve in a background thread; yields (base_url ending in /v1, state)."""
    state = State()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Bound", (Handler,), {"state": state}))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()
