"""`terraform fmt -check`: the Terraform files are in canonical format."""

from __future__ import annotations

import subprocess

from bot.checks.cache import Input, file_inputs, tool_identity
from bot.checks.context import CheckContext
from bot.checks.tools import CheckIncomplete, find_tool, missing, run, trim
from bot.pipeline.results import CheckResult

NAME = "terraform fmt"


def reads(ctx: CheckContext) -> list[Input]:
    return [tool_identity(find_tool("terraform")), *file_inputs(ctx.terraform_dir)]


def check(ctx: CheckContext) -> list[CheckResult]:
    if find_tool("terraform") is None:
        raise missing("terraform")
    if not ctx.tf_files():
        return [CheckResult(name=NAME, passed=False, details=f"no .tf files in {ctx.terraform_dir}")]
    try:
        proc = run(["terraform", "fmt", "-check", "-diff", "-recursive", "-no-color"], cwd=ctx.terraform_dir,
                   timeout=ctx.settings.tool_timeout_seconds)
    except subprocess.TimeoutExpired:
        raise CheckIncomplete("terraform fmt timed out") from None
    if proc.returncode == 0:
        return [CheckResult(name=NAME, passed=True, details=f"{len(ctx.tf_files())} files formatted")]
    return [CheckResult(name=NAME, passed=False, details=trim(proc.stdout + proc.stderr))]
