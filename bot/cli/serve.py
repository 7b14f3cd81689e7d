"""`dev-agent serve`: the GitHub App webhook endpoint."""

from __future__ import annotations

import typer

from bot.cli import EXIT_INVALID
from bot.github.app import GitHubAppError
from bot.settings import get_settings
from bot.store.db import DatabaseError


def register(app: typer.Typer) -> None:
    @app.command(epilog=(
        "Examples:\n\n"
        "  dev-agent serve --host 0.0.0.0 --port 8000   # jobs run in this process\n\n"
        "  REDIS_URL=redis://localhost:6379/0 dev-agent serve --workers 4   # jobs go to `dev-agent worker`"))
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        workers: int = typer.Option(1, min=1, max=64, metavar="N",
                                  help="Web processes, 1-64 (needs REDIS_URL when more than 1)."),
    ) -> None:
        """Serve POST /webhooks, GET /healthz and GET /readyz. Without REDIS_URL jobs run in this process."""
        import uvicorn  # deferred: the ASGI server is only needed to serve

        # deferred: the FastAPI app (~230 ms to import) is only needed to serve
        from bot.intake.web import ConfigError, build_runtime

        settings = get_settings()
        if workers > 1 and not settings.redis_url:
            typer.echo("error: --workers > 1 needs REDIS_URL (the embedded worker lives in one process)", err=True)
            raise typer.Exit(EXIT_INVALID)
        try:
            build_runtime(settings)  # validate the configuration before binding
        except (ConfigError, GitHubAppError, DatabaseError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        # deferred: uvicorn's protocol classes are only needed to serve
        from bot.intake.limits import DeadlineHttpToolsProtocol

        uvicorn.run("bot.intake.web:app_from_environment", factory=True, host=host, port=port, workers=workers,
                    log_level="warning", access_log=False, http=DeadlineHttpToolsProtocol)
