"""`dev-agent plan`: request text or a spec file -> plan -> generated files written under --out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
import yaml

from bot.checks import run_checks
from bot.cli import EXIT_ATTENTION, EXIT_FAILED, EXIT_INVALID, EXIT_OK
from bot.cli._terminal import print_report
from bot.cli.check import print_results
from bot.cost.coverage import UnpricedRegion
from bot.cost.diff import diff_reports
from bot.cost.usage import CostInputError
from bot.pipeline.budget import BudgetError
from bot.pipeline.results import Requester
from bot.pipeline.run import build_environment
from bot.settings import Settings, get_settings
from bot.spec import Cloud, EnvironmentSpec, SpecError, load_spec
from bot.understanding import understand
from bot.understanding.model import RequestError
from generators.output import write_tree
from generators.paths import environment_dir
from generators.workflows import workflow_files
from policies.engine import worst
from policies.schema import PolicyError, load_policy


def repository_clouds(out: Path) -> set[Cloud]:
    """Clouds of the environments already in the output repository (the workflows log in to each)."""
    clouds: set[Cloud] = set()
    for spec_file in out.glob("environments/*/environment.yaml"):
        try:
            data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
            clouds.add(Cloud(data["cloud"]))
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError):
            continue
    return clouds


def _understand(text: str, settings: Settings, as_json: bool) -> tuple[EnvironmentSpec, list[Any]] | None:
    """The spec understood from `text` with its requirements ledger, or None after printing the questions it raised."""
    try:
        understanding = understand(text, settings)
    except RequestError as exc:
        typer.echo(f"error: request: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    if understanding.needs_clarification or understanding.spec is None:
        if as_json:
            typer.echo(understanding.model_dump_json(indent=2))
        else:
            typer.echo("More information is needed:")
            for question in understanding.questions:
                typer.echo(f"  - {question}")
            for refused in understanding.refused:
                typer.echo(f"  refused: {refused}")
        return None
    for refused in understanding.refused:
        typer.echo(f"refused: {refused}", err=True)
    return understanding.spec, understanding.requirements


def register(app: typer.Typer) -> None:
    @app.command("plan", epilog=(
        "Examples:\n\n"
        "  dev-agent plan \"dev env for a django app with postgres on GCP, budget 200/month\" --out ./out\n\n"
        "  dev-agent plan --spec environment.yaml --out ./out --check"))
    def plan(
        text: str | None = typer.Argument(None, help="The request in plain language."),
        spec_file: Path | None = typer.Option(None, "--spec", help="environment.yaml (or JSON) instead of text."),
        out: Path = typer.Option(..., "--out", help="Repository root to write environments/<name>/ and .github/ into."),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
        check: bool = typer.Option(False, "--check", help="Also run every validator on the written files."),
        requester: str | None = typer.Option(
            None, "--requester", help="GitHub login of who asks (the policy's requester rule judges it, as in the bot)."),
    ) -> None:
        """Understand, plan and generate an environment; write it under --out (atomically).

        Exit 0 on success (or when questions were printed), 1 when --check found failures,
        2 on usage errors, 3 when the spec or request is invalid (nothing is written).
        """
        if (text is None) == (spec_file is None):
            typer.echo("error: give either the request TEXT or --spec FILE (not both)", err=True)
            raise typer.Exit(EXIT_ATTENTION)
        settings = get_settings()
        try:
            policy = load_policy(settings.policy_file)
        except PolicyError as exc:
            for line in exc.errors:
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        requirements: list[Any] = []
        if spec_file is not None:
            try:
                spec = load_spec(spec_file)
            except SpecError as exc:
                typer.echo(f"error: invalid spec {exc.source}:", err=True)
                for line in exc.errors:
                    typer.echo(f"  {line}", err=True)
                raise typer.Exit(EXIT_INVALID) from None
        else:
            understood = _understand(text or "", settings, as_json)
            if understood is None:
                raise typer.Exit(EXIT_OK)
            spec, requirements = understood
        previous = _previous_terraform(out, spec.name)  # a re-plan of an environment already under --out
        try:
            result = build_environment(spec, settings, policy=policy, requirements=requirements,
                                       requester=Requester(login=requester) if requester else None,
                                       previous_files=previous or None)
        except (BudgetError, UnpricedRegion) as exc:
            typer.echo(f"refused: {exc}", err=True)
            raise typer.Exit(EXIT_FAILED) from None
        except CostInputError as exc:
            typer.echo(f"error: the generated Terraform could not be estimated: {exc}", err=True)
            raise typer.Exit(EXIT_FAILED) from None
        environment = result.plan
        files = {**result.files, **workflow_files(repository_clouds(out) | {spec.cloud}, settings)}
        env_dir = environment_dir(environment)
        try:
            write_tree(files, out, replace_dir=env_dir)
        except (OSError, ValueError) as exc:
            typer.echo(f"error: cannot write {out}: {exc}", err=True)
            raise typer.Exit(EXIT_FAILED) from None
        checks = run_checks(out / env_dir, out, settings) if check else []
        policy_outcome = worst(result.verdicts)
        failed = any(not c.passed for c in checks) or policy_outcome == "fail"
        if as_json:
            summary = {"name": spec.name, "dir": str(out / env_dir), "files": sorted(files),
                       "monthly_cost": result.monthly_cost, "policy": policy_outcome,
                       "verdicts": [v.model_dump() for v in result.verdicts],
                       "choices": [c.model_dump() for c in environment.choices],
                       "checks": [c.model_dump() for c in checks],
                       # before -> after per resource for a re-plan, in Infracost's diff JSON (None for a new one)
                       "cost_change": None if result.previous_cost is None or result.cost is None
                       else diff_reports(result.previous_cost, result.cost, project=spec.name)}
            typer.echo(json.dumps(summary, indent=2))
        else:
            print_report(result.report, folded=f"the whole report is in {out / env_dir / 'REPORT.md'}")
            typer.echo(f"Wrote {len(files)} files for {spec.name} under {out} (report: {out / env_dir / 'REPORT.md'}).")
            if checks:
                print_results(checks)
        raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def _previous_terraform(out: Path, name: str) -> dict[str, str]:
    """The Terraform files of `environments/<name>/terraform/` already under `out` (repository-relative paths)."""
    base = out / "environments" / name / "terraform"
    if not base.is_dir():
        return {}
    return {path.relative_to(out).as_posix(): path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(base.rglob("*.tf")) if path.is_file()}
