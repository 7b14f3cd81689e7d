"""`dev-agent expire [--json]`: destroy PRs for expired environments, warnings before."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from bot.cli import EXIT_ATTENTION, EXIT_FAILED, EXIT_OK
from bot.lifecycle import cli_support as opts
from bot.lifecycle.drift_run import environment_dirs
from bot.lifecycle.expire import expire_environment


def register(app: typer.Typer) -> None:
    @app.command("expire", epilog=(
        "Examples:\n\n"
        "  dev-agent expire --json   # every environments/* of the checkout (the scheduled workflow)\n\n"
        "  dev-agent expire --today 2026-12-31   # what would happen on that day"))
    def expire(
        as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
        today: dt.datetime | None = typer.Option(None, "--today", formats=["%Y-%m-%d"], help="Evaluate as of this date."),
        root: Path = typer.Option(Path("."), "--repo-root", help="Repository root."),
        token: str | None = opts.TOKEN,
        repository: str | None = opts.REPOSITORY,
        api_url: str | None = opts.API_URL,
    ) -> None:
        """Open a destroy PR for every environment past expires_on; warn two days and one day before.

        An expired environment with an open extend PR gets a note on its request issue instead of a destroy PR.

        Exit codes: 0 no destroy PR opened, 2 destroy PR(s) opened, 1 an environment.yaml could not be read.
        """
        github = opts.github_options(token, repository, api_url)
        day = today.date() if today else dt.datetime.now(dt.UTC).date()
        results = [expire_environment(d, day, github) for d in environment_dirs(root)]
        if as_json:
            typer.echo(json.dumps([{"environment": r.name, "expires_on": r.expires_on, "action": r.action,
                                    "destroy_pull": r.pull_url if r.action == "destroy" else None,
                                    "extend_pull": r.pull_url if r.action == "extend-pending" else None,
                                    "error": r.error} for r in results], indent=2, default=str))
        else:
            for r in results:
                typer.echo(f"{r.name}: expires {r.expires_on or 'never'}" + (f" -> {r.action}" if r.action else "")
                           + (f" ({r.pull_url})" if r.pull_url else "") + (f" ERROR {r.error}" if r.error else ""))
        if any(r.error for r in results):
            raise typer.Exit(EXIT_FAILED)
        raise typer.Exit(EXIT_ATTENTION if any(r.action == "destroy" for r in results) else EXIT_OK)
