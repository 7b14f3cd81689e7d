"""`dev-agent preview environments/<name>`: the pull request's terraform plan, posted where reviewers look."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from bot.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from bot.cost.diff import delta_line
from bot.lifecycle import cli_support as opts
from bot.lifecycle.workspace import EnvironmentInputError
from bot.review.preview import Preview, PreviewError, event, plan_cost, plan_environment, post
from bot.review.tfplan import summarise
from bot.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command("preview", epilog=(
        "Examples:\n\n"
        "  dev-agent preview environments/payments-api-staging   # in dev-agent-plan.yml (GITHUB_TOKEN set)"))
    def preview(
        directory: Path = typer.Argument(..., help="An environment directory: environments/<name>"),
        pull: int | None = typer.Option(None, "--pull", help="The pull request (default: from the workflow event)."),
        revision: str | None = typer.Option(None, "--sha", help="Its head commit (default: from the workflow event)."),
        overrides: list[Path] = opts.OVERRIDES,
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
        token: str | None = opts.TOKEN,
        repository: str | None = opts.REPOSITORY,
        api_url: str | None = opts.API_URL,
    ) -> None:
        """Plan the environment read-only (-lock=false) and post the plan: a section in the bot's report comment
        and the job summary ($GITHUB_STEP_SUMMARY), with the change's cost priced from the plan (--json: `cost`,
        Infracost's diff JSON).

        The bot gates the merge on it (its `dev-agent plan: <name>` check run, bot/review/gate.py).

        Exit 0 when planned (and posted), 1 when terraform failed, 3 when DIR is not an intact environment.
        """
        payload = event().get("pull_request") or {}
        pull = pull or payload.get("number") or opts.event_pull()
        revision = revision or (payload.get("head") or {}).get("sha") or opts.current_revision(directory)
        try:
            workspace, shown, text = plan_environment(directory, overrides, get_settings().tool_timeout_seconds,
                                                      opts.progress)
        except EnvironmentInputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        except PreviewError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_FAILED) from None
        name = workspace.name
        result = Preview(name=name, summary=summarise(shown), text=text, revision=revision,
                         cost=plan_cost(workspace, shown))
        github = opts.github_options(token, repository, api_url)
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if github is not None and pull:
            post(github, int(pull), result, Path(summary_file) if summary_file else None)
        if as_json:
            typer.echo(json.dumps({"environment": name, "revision": revision, **result.summary.counts,
                                   "stateful": [c.model_dump() for c in result.summary.stateful],
                                   "cost": result.cost, "posted": result.posted}, indent=2))
        else:
            typer.echo(f"{name}: {result.summary.counts_line()}")
            if result.cost is not None:
                typer.echo(f"  {delta_line(result.cost)}")
            for change in result.summary.stateful:
                forced = f" (forced by {', '.join(change.forced_by)})" if change.forced_by else ""
                typer.echo(f"  {change.action} {change.address}{forced}: needs /dev-agent allow-replace")
            for line in result.posted:
                typer.echo(f"  posted: {line}")
        raise typer.Exit(EXIT_OK)
