"""`dev-agent drift [environments/…] [--json]`: find changes made outside Terraform."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.cli import EXIT_ATTENTION, EXIT_FAILED, EXIT_OK
from bot.lifecycle import cli_support as opts
from bot.lifecycle.drift_run import drift_environment, environment_dirs
from bot.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command("drift", epilog=(
        "Examples:\n\n"
        "  dev-agent drift --json                               # every environments/* of the checkout"))
    def drift(
        directories: list[Path] = typer.Argument(None, help="Environment directories (default: every environments/*)."),
        overrides: list[Path] = opts.OVERRIDES,
        as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
        token: str | None = opts.TOKEN,
        repository: str | None = opts.REPOSITORY,
        api_url: str | None = opts.API_URL,
    ) -> None:
        """Plan every environment with -detailed-exitcode; open/update/close one "Drift in <name>" issue each.

        Exit codes: 0 no drift, 2 drift found, 1 an environment could not be checked.
        """
        github = opts.github_options(token, repository, api_url)
        targets = directories or environment_dirs(Path.cwd())
        results = [drift_environment(d, get_settings(), github, overrides, opts.progress) for d in targets]
        if as_json:
            typer.echo(json.dumps([{"environment": r.name, "status": r.status, "issue": r.issue, "error": r.error,
                                    "resources": [d.model_dump() for d in r.resources]} for r in results], indent=2))
        else:
            for r in results:
                typer.echo(f"{r.name}: {r.status}" + (f" (issue #{r.issue})" if r.issue else ""))
                for d in r.resources:
                    said = "; ".join(d.findings) or ", ".join(d.attributes)
                    typer.echo(f"  {'SECURITY ' if d.security else ''}{d.address}: {said}")
                if r.error:
                    typer.echo(f"  {r.error}", err=True)
        if any(r.status == "error" for r in results):
            raise typer.Exit(EXIT_FAILED)
        raise typer.Exit(EXIT_ATTENTION if any(r.status == "drifted" for r in results) else EXIT_OK)
