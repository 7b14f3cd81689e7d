"""The generated workflows validate against the GitHub workflow JSON Schema (check-jsonschema's vendored copy)."""

from __future__ import annotations

import subprocess

from bot.checks.cache import Input, tool_identity
from bot.checks.context import CheckContext
from bot.checks.tools import CheckIncomplete, find_tool, missing, run, trim
from bot.pipeline.results import CheckResult

NAME = "workflow schema"


def reads(ctx: CheckContext) -> list[Input]:
    return [tool_identity(find_tool("check-jsonschema")), *ctx.workflow_inputs()]


def check(ctx: CheckContext) -> list[CheckResult]:
    binary = find_tool("check-jsonschema")
    if binary is None:
        raise missing("check-jsonschema")
    files = ctx.workflow_files()
    if not files:
        return [CheckResult(name=NAME, passed=False,
                            details=f"no dev-agent workflows in {ctx.repo_root / '.github/workflows'}")]
    try:
        proc = run([binary, "--builtin-schema", "vendor.github-workflows", "--output-format", "text", *map(str, files)],
                   timeout=ctx.settings.tool_timeout_seconds)
    except subprocess.TimeoutExpired:
        raise CheckIncomplete("check-jsonschema timed out") from None
    names = ", ".join(f.name for f in files)
    if proc.returncode == 0:
        return [CheckResult(name=NAME, passed=True, details=f"valid: {names}")]
    return [CheckResult(name=NAME, passed=False, details=trim(proc.stdout + proc.stderr))]
