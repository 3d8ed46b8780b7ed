"""``openai/MODEL``: any OpenAI-compatible chat server (OpenAI, vLLM, Ollama, llama.cpp, LM Studio).

It speaks plain HTTP through ``httpx.AsyncClient`` with a connection pool as wide as the
concurrency, and never retries by itself: each failure is classified as transient
(429 with its ``Retry-After``, 5xx, timeout, refused connection, broken JSON) or permanent
(other 4xx) so that the runner's single retry policy applies. The API key is read from
the environment at start and never stored in settings, manifests or caches.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import time
from datetime import datetime, timezone
from typing import Any

from benchmark.errors import BenchError
from benchmark.models.base import BaseModel, Generation, Message, PermanentError, TransientError, UnitRef

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` is either delta-seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class OpenAICompatModel(BaseModel):
    """Chat completions over HTTP; ``-M base_url=... -M api_key_env=NAME -M timeout=S``."""

    known_options = ("base_url", "api_key_env", "timeout", "send_seed")
    default_concurrency = 8

    def __init__(self, spec: str, name: str, options: dict[str, Any]):
        super().__init__(spec, options)
        self.model_name = name
        self.base_url = str(self.options.get("base_url") or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if not self.base_url.startswith(("http://", "https://")):
            raise BenchError(f"base_url '{self.base_url}' is not an http(s) URL", fix="e.g. -M base_url=http://127.0.0.1:8000/v1")
        self.api_key_env = str(self.options.get("api_key_env") or "OPENAI_API_KEY")
        if "api_key_env" in self.options and self.api_key_env not in os.environ:
            raise BenchError(f"environment variable {self.api_key_env} is not set", fix=f"export {self.api_key_env}=... before running")
        self._api_key = os.environ.get(self.api_key_env)
        self.timeout = float(self.options.get("timeout", 120.0))
        self.send_seed = bool(self.options.get("send_seed", True))
        self._client: Any = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "base_url": self.base_url, "api_key_env": self.api_key_env, "timeout": self.timeout}

    def cache_identity(self) -> dict[str, Any]:
        return {"spec": self.spec, "base_url": self.base_url}

    def _client_for_loop(self) -> Any:
        """One pooled client per event loop (``generate_sync`` runs a fresh loop each call)."""
        import httpx

        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                headers=headers,
                timeout=httpx.Timeout(self.timeout),
                limits=httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency),
            )
            self._client_loop = loop
        return self._client

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
        import httpx

        body: dict[str, Any] = {
            "model": self.model_name,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": max_tokens,
            "top_p": top_p,
        }
        if seed is not None and self.send_seed:
            body["seed"] = seed
        client = self._client_for_loop()
        t0 = time.perf_counter()
        try:
            resp = await client.post("/chat/completions", json=body)
        except httpx.TimeoutException as exc:
            raise TransientError(f"timeout after {self.timeout:g} s ({type(exc).__name__}) from {self.base_url}") from exc
        except httpx.ConnectError as exc:
            raise TransientError(f"cannot connect to {self.base_url}: {exc or 'connection refused'}") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"transport error from {self.base_url}: {type(exc).__name__}: {exc}") from exc
        latency = time.perf_counter() - t0
        status = resp.status_code
        if status == 429 or status == 408 or status >= 500:
            retry_after = parse_retry_after(resp.headers.get("retry-after"))
            raise TransientError(f"HTTP {status} from {self.base_url}: {_snippet(resp.text)}", retry_after=retry_after)
        if status >= 400:
            raise PermanentError(f"HTTP {status} from {self.base_url}: {_snippet(resp.text)}")
        try:
            data = resp.json()
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (json.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise TransientError(f"broken JSON from {self.base_url}: {_snippet(resp.text)}") from exc
        usage = data.get("usage") or {}
        return Generation(text=text, tokens=usage.get("completion_tokens"), latency_s=latency)

    async def aclose(self) -> None:
        if self._client is not None:
            try:
                await self._client.aclose()
            except RuntimeError:  # its loop is gone (generate_sync); the sockets died with it
                pass
            self._client = None


def _snippet(text: str, limit: int = 160) -> str:
    one_line = " ".join(text.split())
    return one_line[:limit] + ("..." if len(one_line) > limit else "")
