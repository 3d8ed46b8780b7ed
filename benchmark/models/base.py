"""The backend protocol every model provider implements, and the errors it raises.

A backend turns chat messages into one ``Generation``. It does not retry: it raises
``TransientError`` (with the server's ``Retry-After`` when there is one) for failures
worth retrying and ``PermanentError`` for the rest, and the runner's retry layer decides.
Keeping retries out of the backends means one policy, tested once, for every provider.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from benchmark.errors import BenchError
from benchmark.records import is_human_source
from benchmark.registry import Registry, suggest

Message = dict[str, str]


@dataclass(frozen=True)
class Generation:
    """One answer: the text, completion tokens and the wall time the backend took."""

    text: str
    tokens: int | None = None
    latency_s: float | None = None
    # Replayed answers can carry their own source and prompt (what the person saw).
    source: str | None = None
    prompt: str | None = None
    # An image or a sound (a benchmark.media.MediaBlob): the runner saves it in the run folder.
    media: Any = None


@dataclass(frozen=True)
class UnitRef:
    """Which work unit asks; only backends that look answers up (replay) need it."""

    task_id: str
    item_id: str
    sample_idx: int
    source: str | None = None


class GenerationError(Exception):
    """A generation failed; the runner records ``str(self)`` in the ``error`` column."""


class TransientError(GenerationError):
    """Worth retrying (429, 5xx, timeout, connection refused, broken JSON)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(GenerationError):
    """Retrying cannot help (bad request, no replayed answer)."""


@runtime_checkable
class ModelBackend(Protocol):
    """What the runner needs from a backend (see interfaces.md section 2)."""

    spec: str
    source: str
    concurrency: int
    cacheable: bool

    async def generate(
        self,
        messages: list[Message],
        *,
        temperature: float = 0.7,
        max_tokens: int = 256,
        top_p: float = 1.0,
        seed: int | None = None,
        unit: UnitRef | None = None,
    ) -> Generation: ...

    def settings(self) -> dict[str, Any]: ...

    def cache_identity(self) -> dict[str, Any]: ...

    async def aclose(self) -> None: ...


SECRET_WORDS = ("key", "token", "secret", "password", "authorization")


def without_secrets(options: dict[str, Any]) -> dict[str, Any]:
    """Settings safe to write into a manifest: anything that looks like a credential goes.

    ``api_key_env`` names a variable, not its value, so it is kept.
    """
    out = {}
    for k, v in options.items():
        if k.endswith("_env"):
            out[k] = v
        elif any(w in k.lower() for w in SECRET_WORDS):
            continue
        else:
            out[k] = v
    return out


class BaseModel:
    """Shared plumbing: spec, source naming, option checks, the sync wrapper.

    Subclasses set ``known_options`` (anything else is a typo worth one clear line),
    ``default_concurrency`` and, for replay only, ``may_be_human``.
    """

    known_options: tuple[str, ...] = ()
    default_concurrency: int = 1
    cacheable: bool = True
    may_be_human: bool = False

    def __init__(self, spec: str, options: dict[str, Any] | None = None, default_source: str | None = None):
        self.spec = spec
        self.options = dict(options or {})
        allowed = set(self.known_options) | {"concurrency", "source"}
        unknown = sorted(set(self.options) - allowed)
        if unknown:
            raise BenchError(
                f"unknown option -M {unknown[0]}=... for {spec}",
                fix=suggest(unknown[0], sorted(allowed)),
            )
        self.concurrency = int(self.number_option("concurrency", self.default_concurrency, integer=True, minimum=1))
        self.source = str(self.options.get("source") or default_source or spec)
        if is_human_source(self.source) and not self.may_be_human:
            raise BenchError(
                f"source '{self.source}' is reserved for human answers",
                where=spec,
                fix="model output is never labelled human; drop -M source, or use replay/FILE for human answers",
            )

    def number_option(self, key: str, default: float | int, *, integer: bool = False, minimum: float | None = None,
                      above: float | None = None) -> float | int:
        """``benchmark.models.options.number_option`` for this backend's ``-M`` options."""
        from benchmark.models.options import number_option

        return number_option(self.options, key, default, where=self.spec, integer=integer, minimum=minimum, above=above)

    def settings(self) -> dict[str, Any]: ...

    def cache_identity(self) -> dict[str, Any]: ...

    async def aclose(self) -> None: ...


SECRET_WORDS = ("key", "token", "secret", "password", "authorization")


def without_secrets(options: dict[str, Any]) -> dict[str, Any]:
    """Settings safe to write into a manifest: anything that looks like a credential goes.

    ``api_key_env`` names a variable, not its value, so it is kept.
    """
    out = {}
    for k, v in options.items():
        if k.endswith("_env"):
            out[k] = v
        elif any(w in k.lower() for w in SECRET_WORDS):
            continue
        else:
            out[k] = v
    return out


class BaseModel:
    """Shared plumbing: spec, source naming, option checks, the sync wrapper.

    Subclasses set ``known_options`` (anything else is a typo worth one clear line),
    ``default_concurrency`` and, for replay only, ``may_be_human``.
    """

    known_options: tuple[str, ...] = ()
    default_concurrency: int = 1
    cacheable: bool = True
    may_be_human: bool = False

    def __init__(self, spec: str, options: dict[str, Any] | None = None, default_source: str | None = None):
        self.spec = spec
        self.options = dict(options or {})
        allowed = set(self.known_options) | {"concurrency", "source"}
        unknown = sorted(set(self.options) - allowed)
        if unknown:
            raise BenchError(
                f"unknown option -M {unknown[0]}=... for {spec}",
                fix=suggest(unknown[0], sorted(allowed)),
            )
        self.concurrency = int(self.number_option("concurrency", self.default_concurrency, integer=True, minimum=1))
        self.source = str(self.options.get("source") or default_source or spec)
        if is_human_source(self.source) and not self.may_be_human:
            raise BenchError(
                f"source '{self.source}' is reserved for human answers",
                where=spec,
                fix="model output is never labelled human; drop -M source, or use replay/FILE for human answers",
            )

    def number_option(self, key: str, default: float | int, *, integer: bool = False, minimum: float | None = None,
                      above: float | None = None) -> float | int:
        """A numeric ``-M key=value``, checked here: ``-M timeout=abc`` or ``-M timeout=0`` used to
        surface as a traceback, or as every unit failing, long after the run started."""
        import math

        value = self.options.get(key, default)
        kind = "a whole number" if integer else "a number"
        bounds = f" of at least {minimum:g}" if minimum is not None else f" above {above:g}" if above is not None else ""
        bad = BenchError(f"-M {key}={value} must be {kind}{bounds}", where=self.spec,
                         fix=f"e.g. -M {key}={default}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad
        if not math.isfinite(value) or (integer and value != int(value)):
            raise bad
        if (minimum is not None and value < minimum) or (above is not None and value <= above):
            raise bad
        return int(value) if integer else float(value)

    def settings(self) -> dict[str, Any]:
        """Backend settings for the manifest, with secrets removed."""
        return without_secrets({"spec": self.spec, "source": self.source, "concurrency": self.concurrency, **self.options})

    def cache_identity(self) -> dict[str, Any]:
        """What besides messages and sampling decides an answer (spec, file, server)."""
        return {"spec": self.spec}

    async def aclose(self) -> None:
        return None

    def generate_sync(self, messages: list[Message], **kwargs: Any) -> Generation:
        """For simple callers outside an event loop."""
        return asyncio.run(self.generate(messages, **kwargs))  # type: ignore[attr-defined]


# Providers are lazy "module:Class" entries: a backend's dependency (llama_cpp,
# transformers, aiohttp) is imported only when that provider is chosen.
MODELS: Registry[Any] = Registry("model provider")
MODELS.register("llamacpp", "benchmark.models.llamacpp:LlamaCppModel")
MODELS.register("openai", "benchmark.models.openai_compat:OpenAICompatModel")
MODELS.register("hf", "benchmark.models.hf:HFModel")
MODELS.register("replay", "benchmark.models.replay:ReplayModel")
MODELS.register("openai-images", "benchmark.models.openai_images:OpenAIImagesModel")


def split_spec(spec: str) -> tuple[str, str]:
    """``"provider/model"`` -> (provider, model); the model part may itself hold slashes."""
    provider, sep, name = spec.partition("/")
    if not sep or not provider or not name:
        raise BenchError(
            f"model '{spec}' is not of the form provider/model",
            fix=f"e.g. llamacpp/smollm2, openai/gpt-4o, hf/PATH, replay/FILE (providers: {', '.join(MODELS.names())})",
        )
    return provider, name


def get_model(spec: str, **options: Any) -> ModelBackend:
    """Build the backend for ``provider/model`` with ``-M`` style options."""
    provider, name = split_spec(spec)
    cls = MODELS.get(provider)
    return cls(spec, name, options)


class LocalModel(BaseModel):
    """A model computed in this process (llama.cpp, transformers): generation is CPU/GPU
    bound and blocking, so it runs in a worker thread and the event loop stays free.
    Subclasses implement ``_generate_blocking``."""

    def _generate_blocking(self, messages: list[Message], temperature: float, max_tokens: int,
                           top_p: float, seed: int | None) -> Generation:
        raise NotImplementedError

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
        import asyncio

        return await asyncio.to_thread(self._generate_blocking, messages, temperature, max_tokens, top_p, seed)
