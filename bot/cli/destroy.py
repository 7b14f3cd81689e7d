"""`dev-agent destroy environments/<name>`: tear down an environment after its destroy PR merged."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.lifecycle import cli_support as opts
from bot.lifecycle.destroy import destroy_environment
from bot.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command("destroy", epilog=(
        "Examples:\n\n"
        "  dev-agent destroy environments/payments-api-dev   # in dev-agent-destroy.yml, after the destroy PR merged"))
    def destroy(
        directory: Path = typer.Argument(..., help="An environment directory: environments/<name>"),
        overrides: list[Path] = opts.OVERRIDES,
        token: str | None = opts.TOKEN,
        repository: str | None = opts.REPOSITORY,
        api_url: str | None = opts.API_URL,
        actor: str = opts.ACTOR,
    ) -> None:
        """terraform destroy, then remove the directory, delete the applied ref and close the request issue.

        Exit codes: 0 destroyed, 1 failed (or state locked), 3 not an intact environment (nothing destroyed).
        """
        github = opts.github_options(token, repository, api_url)
        result = destroy_environment(directory, get_settings(), github, overrides, actor=actor,
                                     pull_request=opts.event_pull(), progress=opts.progress)
        typer.echo(result.message, err=result.exit_code != 0)
        raise typer.Exit(result.exit_code)
