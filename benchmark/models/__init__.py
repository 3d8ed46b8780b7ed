"""Model backends behind one protocol: ``get_model("provider/model", **options)``.

Providers: ``llamacpp`` (local GGUF, default ``llamacpp/smollm2``), ``openai`` (any
OpenAI-compatible server), ``hf`` (local transformers model), ``replay`` (answers from a
file, including human ones). Each provider's dependency is imported only when chosen.
"""

from benchmark.models.base import (
    MODELS,
    BaseModel,
    LocalModel,
    Generation,
    GenerationError,
    Message,
    ModelBackend,
    PermanentError,
    TransientError,
    UnitRef,
    get_model,
    split_spec,
    without_secrets,
)
from benchmark.models.options import coerce_value, parse_model_options

__all__ = [
    "MODELS", "BaseModel", "LocalModel", "Generation", "GenerationError", "Message", "ModelBackend",
    "PermanentError", "TransientError", "UnitRef", "get_model", "split_spec",
    "without_secrets", "coerce_value", "parse_model_options",
]
