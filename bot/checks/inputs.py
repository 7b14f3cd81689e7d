"""`inputs`: every Terraform variable without a default has a value (tfvars file, TF_VAR_* or the org setting)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from bot.checks.cache import Input, file_inputs
from bot.checks.context import CheckContext
from bot.inputs import MissingInput, missing_inputs, terraform_files
from bot.pipeline.results import CheckResult
from bot.settings import Settings

NAME = "inputs"


def result(missing: list[MissingInput]) -> CheckResult:
    """The check result for a list of missing inputs (each named, with how to set it)."""
    if not missing:
        return CheckResult(name=NAME, passed=True, details="every Terraform variable has a value")
    return CheckResult(name=NAME, passed=False,
                       details="missing before merge: " + "\n".join(m.line() for m in missing),
                       findings=[m.finding() for m in missing])


def reads(ctx: CheckContext) -> list[Input]:
    """The Terraform files, the runner's TF_VAR_* values and the org settings the check looks at."""
    tf_vars = sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith("TF_VAR_"))
    return [*file_inputs(ctx.terraform_dir), *tf_vars, ctx.settings.gcp_project_id, ctx.settings.azure_subscription_id]


def check(ctx: CheckContext) -> list[CheckResult]:
    return [result(missing_inputs(terraform_files(ctx.terraform_dir), ctx.settings))]


def check_generated(files: Mapping[str, str], env_dir: str, settings: Settings,
                    parsed: Mapping[str, dict[str, Any]] | None = None) -> CheckResult:
    """The same check on generated files (repository path -> text) of one environment; `parsed` (path -> HCL
    dict) spares parsing them again."""
    prefix = f"{env_dir}/terraform/"
    tf = {p.removeprefix(prefix): t for p, t in files.items() if p.startswith(prefix)}
    done = {p.removeprefix(prefix): d for p, d in (parsed or {}).items() if p.startswith(prefix)}
    return result(missing_inputs(tf, settings, parsed=done))
