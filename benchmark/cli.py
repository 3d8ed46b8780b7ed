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


def usage_line(exc: Exception) -> str:
    """A typer/click usage error as one line: what, in which command, where the help is.

    Why: typer 0.2x raises its own bundled click exceptions (``typer._click``, all
    ``typer.TyperException``), which a handler for ``click.exceptions`` never saw, so every
    usage error used to end as a traceback with exit code 1.
    """
    ctx = getattr(exc, "ctx", None)
    message = " ".join(str(exc.format_message()).split()).rstrip(".")  # type: ignore[attr-defined]
    if ctx is None:
        return f"error: {message}"
    return f"error: {ctx.command_path}: {message} - see `{ctx.command_path} --help`"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code. 0 ok, 1 some work failed (see each command),
    2 bad input or a usage error (one line on stderr), 130 interrupted."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        # with standalone_mode=False typer returns (not raises) the code of typer.Exit(n)
        rc = app(args=argv, prog_name="creativity-bench", standalone_mode=False)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished work is saved; run the same command again to resume", file=sys.stderr)
        return 130
    except SystemExit as exc:  # typer/click exit codes (usage errors are 2)
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except OSError as exc:  # the file system said no where no command checked first (a file where a folder goes)
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"error: {where}{exc.strerror or exc} - check the path and its permissions", file=sys.stderr)
        return 2
    except typer.Abort:
        return 130
    except typer.TyperException as exc:  # typer's bundled click: usage errors (exit_code 2) and the like
        if type(exc).__name__ == "NoArgsIsHelpError":  # a group without its sub-command: its help
            text = str(exc.format_message()).strip()  # type: ignore[attr-defined]  (rich help is already out)
            if text:
                print(text, file=sys.stderr)
        else:
            print(usage_line(exc), file=sys.stderr)
        return int(getattr(exc, "exit_code", 2) or 2)
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
