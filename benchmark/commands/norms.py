"""`creativity-bench norms` (to be filled by its stage)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this command to the top-level app."""
