"""`terraform fmt -check`: the Terraform files are in canonical format."""

from __future__ import annotations

import subprocess

from bot.checks.context import CheckContext
from bot.checks.tools import find_tool, missing, run, trim
from bot.pipeline.run import CheckResult

NAME = "terraform fmt"


def check(ctx: CheckContext) -> list[CheckResult]:
    if find_tool("terraform") is None:
        return [missing(NAME, "terraform")]
    if not ctx.tf_files():
        return [CheckResult(name=NAME, passed=False, details=f"no .tf files in {ctx.terraform_dir}")]
    try:
        proc = run(["terraform", "fmt", "-check", "-diff", "-recursive", "-no-color"], cwd=ctx.terraform_dir,
                   timeout=ctx.settings.tool_timeout_seconds)
    except subprocess.TimeoutExpired:
        return [CheckResult(name=NAME, passed=False, details="terraform fmt timed out")]
    if proc.returncode == 0:
        return [CheckResult(name=NAME, passed=True, details=f"{len(ctx.tf_files())} files formatted")]
    return [CheckResult(name=NAME, passed=False, details=trim(proc.stdout + proc.stderr))]
