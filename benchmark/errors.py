"""One exception type for bad input at the boundary.

The CLI turns a ``BenchError`` into one line on stderr and exit code 2, so every stage
raises it with *what* went wrong, *where* (file, line, field) and *how to fix it*.
"""

from __future__ import annotations


class BenchError(Exception):
    """Bad input or an unusable environment; the message is shown to the user as is."""

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.format())

    def format(self) -> str:
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            parts.append(self.fix)
        return " - ".join(parts)
