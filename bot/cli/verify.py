"""`dev-agent verify environments/<name>`: on a pull request, are the reviewed files what dev-agent generates?"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.checks import run_checks
from bot.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from bot.cli.check import print_results, repo_root_of
from bot.review.verify import describe
from bot.review.verify import verify as verify_directory
from bot.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command("verify", epilog=(
        "Examples:\n\n"
        "  dev-agent verify environments/payments-api-staging --check   # in dev-agent-plan.yml"))
    def verify(
        directory: Path = typer.Argument(..., help="An environment directory: environments/<name>"),
        check: bool = typer.Option(False, "--check", help="Also run every validator on the committed files."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Regenerate the environment from its environment.yaml and compare it with the committed files and the
        lock file (the bot's REPORT.md is not compared: only the bot knows the request and who asked).

        Policy is not judged here: the bot's `dev-agent` check run does, knowing who asked and who overrode.

        Exit 0 when the files are what dev-agent generates (and, with --check, every validator passed),
        1 otherwise, 3 when DIR is not an environment directory.
        """
        if not (directory / "environment.yaml").is_file():
            typer.echo(f"error: {directory} is not an environment directory (no environment.yaml)", err=True)
            raise typer.Exit(EXIT_INVALID)
        settings = get_settings()
        result = verify_directory(directory, settings)
        checks = run_checks(directory, repo_root_of(directory), settings) if check else []
        passed = result.ok and all(c.passed for c in checks)
        if as_json:
            typer.echo(json.dumps({"environment": result.environment, "reproduced": result.ok,
                                   "compared": result.compared, "problems": result.problems, "diffs": result.diffs,
                                   "checks": [c.model_dump() for c in checks], "passed": passed}, indent=2))
        else:
            for line in describe(result):
                typer.echo(line)
            if checks:
                print_results(checks)
        raise typer.Exit(EXIT_OK if passed else EXIT_FAILED)
