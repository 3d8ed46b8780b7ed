"""``openai-images/MODEL``: image models behind the OpenAI ``/v1/images/generations`` API.

Written against the API as OpenAI documents it (``gpt-image-1``, ``dall-e-3``,
``dall-e-2``), Gemini's OpenAI-compatible endpoint (``-M base_url=https://generativelanguage.googleapis.com/v1beta/openai``
with an Imagen model) and local servers that copy the same request and reply
(``{"data": [{"b64_json": ...}]}`` or ``{"data": [{"url": ...}]}``). It was tested only
against the loopback server in ``tests/media/loopback.py``: no image service can be
reached from the machine it was built on.

Same plumbing as ``openai/MODEL`` (one pooled aiohttp session, the key read from the
environment and never stored, failures classified for the runner's single retry policy):
429 with its ``Retry-After``, 5xx, time-outs, broken JSON and bytes that are not an image
are transient; other 4xx are permanent. The image is returned as a ``MediaBlob``; the
runner saves it under the run folder (``media_path``, ``media_type``), so resume and the
manifest work as for text. There is no cross-run cache for images (``cacheable`` is
false): the cache holds text, and a re-run into the same folder already skips finished
images. The API takes no seed, so the unit seeds are recorded but not sent.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from typing import Any

from benchmark.errors import BenchError
from benchmark.models.base import Generation, Message, PermanentError, TransientError, UnitRef
from benchmark.models.openai_compat import OpenAICompatModel, _snippet, parse_retry_after

DEFAULT_MAX_MB = 50
PASS_THROUGH = ("size", "quality", "style", "output_format", "background")


def image_prompt(messages: list[Message]) -> str:
    """The images API takes one prompt: the system prompt (if any), then the user turns."""
    parts = [str(m.get("content") or "").strip() for m in messages if m.get("role") in ("system", "user")]
    return "\n\n".join(p for p in parts if p)


class OpenAIImagesModel(OpenAICompatModel):
    """``-M size=1024x1024 -M quality=... -M response_format=b64_json|url|none -M max_mb=50``."""

    known_options = ("base_url", "api_key_env", "timeout", "response_format", "max_mb", *PASS_THROUGH)
    default_concurrency = 4
    cacheable = False

    def __init__(self, spec: str, name: str, options: dict[str, Any]):
        super().__init__(spec, name, options)
        self.timeout = float(self.number_option("timeout", 300.0, above=0))  # images take longer than text
        # gpt-image models always answer in b64_json and refuse the parameter; DALL-E defaults to url
        default_format = None if name.startswith("gpt-image") else "b64_json"
        fmt = self.options.get("response_format", default_format)
        self.response_format = None if fmt in (None, "none", "") else str(fmt)
        if self.response_format not in (None, "b64_json", "url"):
            raise BenchError(f"response_format '{fmt}' is not b64_json, url or none", where=spec)
        self.max_bytes = int(self.number_option("max_mb", DEFAULT_MAX_MB, above=0) * 2**20)

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "response_format": self.response_format, "max_bytes": self.max_bytes}

    async def _post(self, body: dict[str, Any]) -> tuple[int, str | None, bytes, float]:
        import aiohttp

        session = self._session_for_loop()
        t0 = time.perf_counter()
        try:
            async with session.post(f"{self.base_url}/images/generations", json=body) as resp:
                raw = await _read_limited(resp, self.max_bytes * 2)  # base64 is 4/3 of the image, plus JSON
                return resp.status, resp.headers.get("Retry-After"), raw, time.perf_counter() - t0
        except asyncio.TimeoutError as exc:
            raise TransientError(f"timeout after {self.timeout:g} s from {self.base_url}") from exc
        except aiohttp.ClientConnectorError as exc:
            raise TransientError(f"cannot connect to {self.base_url}: {exc.os_error or 'connection refused'}") from exc
        except aiohttp.ClientError as exc:
            raise TransientError(f"transport error from {self.base_url}: {type(exc).__name__}: {exc}") from exc

    async def _download(self, url: str) -> bytes:
        import aiohttp

        try:
            async with self._session_for_loop().get(url) as resp:
                if resp.status >= 400:
                    raise TransientError(f"HTTP {resp.status} downloading the image from {url[:80]}")
                return await _read_limited(resp, self.max_bytes)
        except asyncio.TimeoutError as exc:
            raise TransientError(f"timeout downloading the image from {url[:80]}") from exc
        except aiohttp.ClientError as exc:
            raise TransientError(f"transport error downloading the image: {type(exc).__name__}: {exc}") from exc

    async def generate(
        self,
        messages: list[Message],
        *,
        temperature: float = 0.7,
        max_tokens: int = 256,
        top_p: float = 1.0,
        seed: int | None = None,
        unit: UnitRef | None = None,
    ) -> Generation:
        from benchmark.media.records import MediaBlob
        from benchmark.media.types import MediaTypeError, probe

        body: dict[str, Any] = {"model": self.model_name, "prompt": image_prompt(messages), "n": 1}
        if self.response_format:
            body["response_format"] = self.response_format
        body.update({k: self.options[k] for k in PASS_THROUGH if self.options.get(k) is not None})
        status, retry_header, raw, latency = await self._post(body)
        text_body = raw.decode("utf-8", errors="replace")
        if status == 429 or status == 408 or status >= 500:
            raise TransientError(f"HTTP {status} from {self.base_url}: {_snippet(text_body)}", retry_after=parse_retry_after(retry_header))
        if status >= 400:
            raise PermanentError(f"HTTP {status} from {self.base_url}: {_snippet(text_body)}")
        try:
            first = json.loads(raw)["data"][0]
            b64, url = first.get("b64_json"), first.get("url")
            if not b64 and not url:
                raise KeyError("b64_json")
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise TransientError(f"broken JSON from {self.base_url}: {_snippet(text_body)}") from exc
        if b64:
            try:
                data = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise TransientError(f"b64_json from {self.base_url} is not base64: {exc}") from exc
        else:
            data = await self._download(str(url))
        if len(data) > self.max_bytes:
            raise PermanentError(f"image of {len(data) / 2**20:.1f} MB is over the {self.max_bytes / 2**20:.0f} MB limit (-M max_mb=...)")
        try:
            info = probe(data)
        except MediaTypeError as exc:
            raise TransientError(f"the image from {self.base_url} is not a usable image: {exc}") from exc
        if info.kind != "image":
            raise TransientError(f"the images API at {self.base_url} returned {info.media_type}, not an image")
        return Generation(text="", tokens=None, latency_s=latency, media=MediaBlob(info.media_type, data=data))


async def _read_limited(resp: Any, limit: int) -> bytes:
    """The body, refusing one larger than ``limit`` bytes (no answer may grow without bound)."""
    chunks, total = [], 0
    async for chunk in resp.content.iter_chunked(1 << 16):
        total += len(chunk)
        if total > limit:
            raise PermanentError(f"reply larger than {limit / 2**20:.0f} MB; raise -M max_mb=... if that is expected")
        chunks.append(chunk)
    return b"".join(chunks)
