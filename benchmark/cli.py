"""The ``creativity-bench`` command: a thin layer over the library.

Each sub-command lives in ``benchmark/commands/<name>.py`` and exposes
``register(app)``; heavy imports stay inside the command functions so that
``creativity-bench --help`` is instant. A ``BenchError`` anywhere becomes one line on
stderr and exit code 2.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from benchmark.errors import BenchError

COMMAND_MODULES = [
    "tasks", "run", "score", "norms", "train_scorer",
    "study", "rate", "analyze", "leaderboard", "evaluate", "media", "rebuild_leaderboard",
]

app = typer.Typer(
    name="creativity-bench",
    help="Compare human and AI creativity: run tasks, score, rate blind, analyse, publish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"benchmark.commands.{name}")
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        # with standalone_mode=False typer returns (not raises) the code of typer.Exit(n)
        rc = app(args=argv, standalone_mode=False)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished work is saved; run the same command again to resume", file=sys.stderr)
        return 130
    except SystemExit as exc:  # typer/click exit codes (usage errors are 2)
        return int(exc.code or 0)
    except Exception as exc:  # click usage errors in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            return 130
        raise
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
