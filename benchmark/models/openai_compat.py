"""``openai/MODEL``: any OpenAI-compatible chat server (OpenAI, vLLM, Ollama, llama.cpp, LM Studio).

It speaks plain HTTP through one ``aiohttp.ClientSession`` whose connector is as wide as
the concurrency. (httpx was the first choice, but its pool re-checks every idle connection
on each request: 1,000 requests at concurrency 32 to the 100 ms echo server of
tests/perf/bench_runner.py took 16.2 s through one httpx client and 3.5 s through aiohttp
on the same machine.) It never retries by itself: each failure is classified as transient
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
        check_base_url(self.base_url)
        self.api_key_env = str(self.options.get("api_key_env") or "OPENAI_API_KEY")
        if "api_key_env" in self.options and self.api_key_env not in os.environ:
            raise BenchError(f"environment variable {self.api_key_env} is not set", fix=f"export {self.api_key_env}=... before running")
        self._api_key = os.environ.get(self.api_key_env)
        if not self._api_key and self.base_url == DEFAULT_BASE_URL:
            raise BenchError(f"{self.api_key_env} is not set for the OpenAI API",
                             fix=f"export {self.api_key_env}=..., or pass -M base_url=... for a local server")
        self.timeout = float(self.number_option("timeout", 120.0, above=0))
        self.send_seed = bool(self.options.get("send_seed", True))
        self._client: Any = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "base_url": self.base_url, "api_key_env": self.api_key_env, "timeout": self.timeout}

    def cache_identity(self) -> dict[str, Any]:
        return {"spec": self.spec, "base_url": self.base_url}

    def _session_for_loop(self) -> Any:
        """One pooled session per event loop (``generate_sync`` runs a fresh loop each call)."""
        import aiohttp

        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop or self._client.closed:
            headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
            connector = aiohttp.TCPConnector(limit=self.concurrency, limit_per_host=self.concurrency)
            self._client = aiohttp.ClientSession(
                headers=headers, connector=connector, timeout=aiohttp.ClientTimeout(total=self.timeout), trust_env=True
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
        import aiohttp

        body: dict[str, Any] = {
            "model": self.model_name,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": max_tokens,
            "top_p": top_p,
        }
        if seed is not None and self.send_seed:
            body["seed"] = seed
        session = self._session_for_loop()
        t0 = time.perf_counter()
        try:
            async with session.post(f"{self.base_url}/chat/completions", json=body) as resp:
                status = resp.status
                retry_header = resp.headers.get("Retry-After")
                raw = await resp.read()
        except asyncio.TimeoutError as exc:
            raise TransientError(f"timeout after {self.timeout:g} s from {self.base_url}") from exc
        except aiohttp.InvalidURL as exc:  # retrying cannot mend the address
            raise PermanentError(f"invalid URL {self.base_url}: {exc}") from exc
        except aiohttp.ClientConnectorError as exc:
            raise TransientError(f"cannot connect to {self.base_url}: {exc.os_error or 'connection refused'}") from exc
        except aiohttp.ClientError as exc:  # disconnects, broken payloads
            raise TransientError(f"transport error from {self.base_url}: {type(exc).__name__}: {exc}") from exc
        latency = time.perf_counter() - t0
        text_body = raw.decode("utf-8", errors="replace")
        if status == 429 or status == 408 or status >= 500:
            raise TransientError(f"HTTP {status} from {self.base_url}: {_snippet(text_body)}", retry_after=parse_retry_after(retry_header))
        if status >= 400:
            raise PermanentError(f"HTTP {status} from {self.base_url}: {_snippet(text_body)}")
        try:
            data = json.loads(raw)
            text = data["choices"][0]["message"].get("content") or ""
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise TransientError(f"broken JSON from {self.base_url}: {_snippet(text_body)}") from exc
        usage = data.get("usage") or {}
        return Generation(text=text, tokens=usage.get("completion_tokens"), latency_s=latency)

    def generate_sync(self, messages: list[Message], **kwargs: Any) -> Generation:
        async def once() -> Generation:
            try:
                return await self.generate(messages, **kwargs)
            finally:
                await self.aclose()

        return asyncio.run(once())

    async def aclose(self) -> None:
        if self._client is not None:
            if not self._client.closed:
                try:
                    await self._client.close()
                except RuntimeError:  # its loop is gone; the sockets died with it
                    pass
            self._client = None


def check_base_url(url: str) -> str:
    """An http(s) URL with a host, or one line now (``http://[::1`` used to be retried as transient)."""
    from urllib.parse import urlsplit

    fix = "e.g. -M base_url=http://127.0.0.1:8000/v1"
    if not url.startswith(("http://", "https://")):
        raise BenchError(f"base_url '{url}' is not an http(s) URL", fix=fix)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError as exc:
        raise BenchError(f"base_url '{url}' is not a valid URL: {exc}", fix=fix) from None
    if not parts.hostname:
        raise BenchError(f"base_url '{url}' has no host", fix=fix)
    return url


def _snippet(text: str, limit: int = 160) -> str:
    one_line = " ".join(text.split())
    return one_line[:limit] + ("..." if len(one_line) > limit else "")
