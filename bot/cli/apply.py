"""`dev-agent apply environments/<name>`: apply one environment and report back on its PR and issue."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.lifecycle import cli_support as opts
from bot.lifecycle.apply import apply_environment
from bot.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command("apply", epilog=(
        "Examples:\n\n"
        "  dev-agent apply environments/payments-api-staging   # in the apply workflow (GITHUB_TOKEN set)"))
    def apply(
        directory: Path = typer.Argument(..., help="An environment directory: environments/<name>"),
        overrides: list[Path] = opts.OVERRIDES,
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
        token: str | None = opts.TOKEN,
        repository: str | None = opts.REPOSITORY,
        api_url: str | None = opts.API_URL,
        actor: str = opts.ACTOR,
    ) -> None:
        """Terraform init/plan/apply of exactly the reviewed plan, then the Helm chart.

        Before applying, the plan's change set is compared with the one reviewed on the merged PR (docs/review.md):
        when they differ nothing is applied and the PR says what changed.

        Exit codes: 0 applied, 1 failed (state locked, or the plan changed since review), 2 nothing to do,
        3 not an intact environment.
        """
        github = opts.github_options(token, repository, api_url)
        result = apply_environment(directory, get_settings(), github, overrides, opts.current_revision(directory),
                                   actor=actor, progress=opts.progress)
        if as_json:
            typer.echo(json.dumps({"environment": result.name, "status": result.status, "failed_step": result.failed_step,
                                   "outputs": result.outputs, "timings": result.timings, "revert_pull": result.revert_url,
                                   "matches_review": result.matches_review, "message": result.message}, indent=2, default=str))
        else:
            typer.echo(result.message, err=result.exit_code != 0)
            for step, seconds in result.timings.items():
                typer.echo(f"  {step:16} {seconds:6.1f}s")
            if result.revert_url:
                typer.echo(f"revert PR: {result.revert_url}")
        raise typer.Exit(result.exit_code)
