"""`dev-agent check DIR`: run every validator on a generated environment directory."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from bot.checks import run_checks
from bot.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from bot.cost import estimate_directory
from bot.pipeline.planning import plan_environment
from bot.pipeline.results import CheckResult, Verdict
from bot.settings import get_settings
from bot.spec import load_spec
from policies.engine import evaluate
from policies.schema import load_policy


def repo_root_of(env_dir: Path) -> Path:
    """`environments/<name>` lives two levels below the repository root."""
    resolved = env_dir.resolve()
    return resolved.parent.parent if resolved.parent.name == "environments" else resolved


def print_results(results: list[CheckResult], elapsed: float | None = None) -> None:
    """A table of check outcomes with the details of failures."""
    for result in results:
        status = "skip" if result.skipped_reason else ("pass" if result.passed else "FAIL")
        lines = (result.skipped_reason or result.details or "").splitlines() or [""]
        typer.echo(f"{status:4}  {result.name}: {lines[0]}")
        if not result.passed:
            for line in lines[1:]:
                typer.echo(f"      {line}")
    failed = sum(not r.passed for r in results)
    timing = f" in {elapsed:.1f}s" if elapsed is not None else ""
    typer.echo(f"{len(results) - failed} passed, {failed} failed{timing}")


def register(app: typer.Typer) -> None:
    @app.command("check", epilog=(
        "Examples:\n\n"
        "  dev-agent check out/environments/django-dev\n\n"
        "  dev-agent check out/environments/django-dev --json"))
    def check(
        directory: Path = typer.Argument(..., help="An environment directory: environments/<name>"),
        as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
        repo_root: Path | None = typer.Option(None, "--repo-root", help="Repository root (default: two levels up)."),
    ) -> None:
        """Run terraform fmt/validate, hcl parse, helm lint/render, checkov, workflow schema and zizmor.

        Exit 0 when every check passed, 1 when any failed, 3 when DIR is not an environment directory.
        """
        if not (directory / "environment.yaml").is_file():
            typer.echo(f"error: {directory} is not an environment directory (no environment.yaml)", err=True)
            raise typer.Exit(EXIT_INVALID)
        started = time.monotonic()
        results = run_checks(directory, repo_root or repo_root_of(directory))
        elapsed = time.monotonic() - started
        try:
            verdicts = directory_verdicts(directory)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        passed = all(r.passed for r in results) and all(v.outcome != "fail" for v in verdicts)
        if as_json:
            typer.echo(json.dumps({"dir": str(directory), "passed": passed, "seconds": round(elapsed, 2),
                                   "checks": [r.model_dump() for r in results],
                                   "verdicts": [v.model_dump() for v in verdicts]}, indent=2))
        else:
            print_results(results, elapsed)
            for verdict in verdicts:
                if verdict.outcome != "pass":
                    typer.echo(f"{verdict.outcome:4}  policy {verdict.rule}: {verdict.message} (fix: {verdict.fix})")
        raise typer.Exit(EXIT_OK if passed else EXIT_FAILED)


def directory_verdicts(directory: Path) -> list[Verdict]:
    """Policy verdicts on a written environment: its spec, its Terraform and the estimate of it."""
    plan = plan_environment(load_spec(directory / "environment.yaml"))
    files = {str(p.relative_to(directory.parent.parent)): p.read_text(encoding="utf-8")
             for p in sorted((directory / "terraform").glob("*.tf"))}
    cost = estimate_directory(directory / "terraform") if files else None
    return evaluate(load_policy(get_settings().policy_file), plan, files, cost)
