"""`creativity-bench rate [--db URL] [--study ID] [--port N] [--address IP]`: start the rater app.

The settings reach the app through the environment (CREATIVITY_BENCH_DB,
CREATIVITY_BENCH_STUDY), so several servers behind one load balancer can share one
PostgreSQL store by starting each with the same ``--db``. The server listens on
127.0.0.1 unless ``--address`` says otherwise (put it behind a proxy with TLS, or pass
``--address 0.0.0.0`` knowingly), and never sends error details to the browser: a rater
sees a friendly page and the details go to the server's log.
"""

from __future__ import annotations

from typing import Optional

import typer


def streamlit_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The `streamlit run` line for raters/app.py (no sidebar page list, no telemetry, no
    error details in the browser)."""
    import sys
    from pathlib import Path

    import raters

    app = Path(raters.__file__).parent / "app.py"
    return [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
            "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.showSidebarNavigation", "false", "--client.toolbarMode", "viewer",
            "--server.fileWatcherType", "none", "--client.showErrorDetails", "none"]


def register(app: typer.Typer) -> None:
    """Add `rate` to the top-level app."""

    @app.command("rate")
    def rate(
        db: Optional[str] = typer.Option(None, "--db", help="Ratings store URL (default results/ratings.db)."),
        study: Optional[str] = typer.Option(None, "--study", help="Study raters land in (default: the only open one)."),
        port: int = typer.Option(8501, "--port"),
        address: str = typer.Option("127.0.0.1", "--address", help="Interface to listen on (0.0.0.0: every one)."),
    ) -> None:
        """Start the Streamlit rating app (admin page: /?page=admin).

        \b
        Examples:
          creativity-bench rate --study pilot --port 8501
          creativity-bench rate --db postgresql://HOST/DB --address 0.0.0.0
        """
        import os

        from benchmark.studies import open_store

        store = open_store(db)  # fails here, in one line, if the store is unreachable
        if study:
            store.get_study(study)
        env = dict(os.environ, CREATIVITY_BENCH_DB=store.url)
        if study:
            env["CREATIVITY_BENCH_STUDY"] = study
        typer.echo(f"rater app on http://{address}:{port}/  (admin: /?page=admin)", err=True)
        cmd = streamlit_command(port, address)
        # become the server (no child left behind when a supervisor stops this process)
        os.execve(cmd[0], cmd, env)
