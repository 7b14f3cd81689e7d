"""`dev-agent cost PATH [--usage-file F] [--compare OLD] [--json] [--markdown]`: Infracost-compatible monthly cost
estimate, or with `--compare OLD` the change from OLD to PATH (Infracost's diff)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import EXIT_INVALID
from bot.cost import CostInputError, estimate_directory, infracost_cli
from bot.cost.diff import diff_reports, render_diff
from bot.cost.table import render_markdown, render_table


def register(app: typer.Typer) -> None:
    """Add the ``cost`` command."""

    @app.command("cost", epilog=(
        "Examples:\n\n"
        "  dev-agent cost out/environments/django-dev/terraform\n\n"
        "  dev-agent cost out/environments/django-dev/terraform --json --usage-file usage.yml"))
    def cost(
        path: Annotated[Path, typer.Argument(help="Terraform directory or `terraform show -json` plan file")],
        usage_file: Annotated[Path | None, typer.Option("--usage-file", help="Infracost usage file (YAML)")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print Infracost's JSON format (version 0.2)")] = False,
        markdown: Annotated[bool, typer.Option("--markdown", help="print a PR-comment style markdown table")] = False,
        offline: Annotated[bool, typer.Option("--offline", help="never use the infracost binary")] = False,
        compare: Annotated[Path | None, typer.Option(
            "--compare", help="the OLD directory or plan file: print the change OLD -> PATH (Infracost's diff)",
        )] = None,
    ) -> None:
        """Estimate monthly cost (730 h/month) offline, or with infracost when it and INFRACOST_API_KEY exist."""
        try:
            if usage_file is not None and not usage_file.is_file():
                raise CostInputError(f"{usage_file}: usage file not found")
            if compare is not None:
                report = diff_reports(estimate_directory(compare, usage_file), estimate_directory(path, usage_file),
                                      project=str(path))
                sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else render_diff(report))
                return
            if not offline and infracost_cli.available():
                typer.echo("using infracost (INFRACOST_API_KEY is set)", err=True)
                report = infracost_cli.breakdown(path, usage_file)
            else:
                report = estimate_directory(path, usage_file)
        except CostInputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        except RuntimeError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except RecursionError:
            typer.echo(f"error: {path}: configuration nests too deeply to evaluate", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        if as_json:
            sys.stdout.write(json.dumps(report, indent=2) + "\n")
        elif markdown:
            sys.stdout.write(render_markdown(report))
        else:
            sys.stdout.write(render_table(report))
