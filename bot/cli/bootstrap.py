"""`dev-agent bootstrap --cloud aws|gcp|azure`: the state store and the OIDC identities the workflows need."""

from __future__ import annotations

import json

import typer

from bot.bootstrap import BootstrapError, BootstrapInputError, Target, aws, azure, gcp
from bot.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from bot.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command("bootstrap", epilog=(
        "Examples:\n\n"
        "  dev-agent bootstrap --cloud aws --repository acme/platform-environments --bucket acme-tf-state --region us-east-1\n\n"
        "  dev-agent bootstrap --cloud gcp --repository acme/platform-environments --project acme-infra --dry-run"))
    def bootstrap(
        cloud: str = typer.Option(..., "--cloud", help="aws, gcp or azure"),
        repository: str = typer.Option(..., "--repository", help="owner/name of the environments' repository"),
        default_branch: str = typer.Option("main", "--default-branch", help="Branch whose pushes apply"),
        bucket: str | None = typer.Option(None, "--bucket", help="State bucket (default: DEV_AGENT_STATE_BUCKET)"),
        region: str | None = typer.Option(None, "--region", help="AWS region / GCP or Azure location of the state"),
        project: str | None = typer.Option(None, "--project", help="GCP project (gcp)"),
        subscription: str | None = typer.Option(None, "--subscription", help="Azure subscription id (azure)"),
        endpoint_url: str | None = typer.Option(None, "--endpoint-url", help="AWS API endpoint (e.g. moto)"),
        dry_run: bool = typer.Option(False, "--dry-run", help="gcp/azure: print the gcloud/az commands, run nothing"),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Create, idempotently, the Terraform state store and two OIDC identities trusted only by REPOSITORY (a
        read-only one for pull-request plans, a deploy one for the default branch and the `production`
        environment); print the bot settings and repository variables to set.

        Exit 0 done, 1 a cloud call failed, 3 bad input.
        """
        settings = get_settings()
        try:
            target = Target(repository=repository, default_branch=default_branch)
            if cloud == "aws":
                result = aws.bootstrap(target, bucket or settings.state_bucket, region or settings.state_region,
                                       endpoint_url=endpoint_url)
            elif cloud in ("gcp", "azure"):
                module = gcp if cloud == "gcp" else azure
                result = module.bootstrap(target, bucket=bucket, region=region, project=project,
                                          subscription=subscription, settings=settings, dry_run=dry_run)
            else:
                raise BootstrapInputError(f"--cloud {cloud!r}: expected aws, gcp or azure")
        except BootstrapInputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        except BootstrapError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_FAILED) from None
        if as_json:
            typer.echo(json.dumps({"cloud": result.cloud, "actions": result.actions, "settings": result.settings,
                                   "repository_variables": result.variables}, indent=2))
        else:
            typer.echo(result.text(repository), nl=False)
        raise typer.Exit(EXIT_OK)
