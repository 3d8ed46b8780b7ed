"""A small plugin registry: names map to lazy ``"module:attr"`` entries.

Backends and scorers register by name; the module behind an entry (and its optional
dependency) is imported only when that name is chosen. An unknown name raises a
``BenchError`` that suggests the closest registered name.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any, Callable, Generic, TypeVar

from benchmark.errors import BenchError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, str | T] = {}

    def register(self, name: str, target: "str | T | None" = None) -> Any:
        """``register("x", "pkg.mod:Cls")`` lazily, or use as ``@registry.register("x")``."""
        if target is not None:
            self._entries[name] = target
            return target

        def deco(obj: T) -> T:
            self._entries[name] = obj
            return obj

        return deco

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def get(self, name: str) -> T:
        if name not in self._entries:
            close = difflib.get_close_matches(name, self.names(), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else f"choose one of: {', '.join(self.names())}"
            raise BenchError(f"unknown {self.kind} '{name}'", fix=hint)
        entry = self._entries[name]
        if isinstance(entry, str):
            module, _, attr = entry.partition(":")
            obj = getattr(importlib.import_module(module), attr)
            self._entries[name] = obj
            return obj
        return entry


def suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else f"choose one of: {', '.join(sorted(choices))}"


Factory = Callable[..., Any]
