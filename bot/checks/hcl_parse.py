"""python-hcl2 parses every Terraform file (all clouds)."""

from __future__ import annotations

import hcl2

from bot import hclread
from bot.checks.cache import Input, file_inputs, tool_identity
from bot.checks.context import CheckContext
from bot.pipeline.results import CheckResult

NAME = "hcl parse"


def reads(ctx: CheckContext) -> list[Input]:
    return [tool_identity(hcl2.__file__), *file_inputs(ctx.terraform_dir)]


def check(ctx: CheckContext) -> list[CheckResult]:
    files = ctx.tf_files()
    if not files:
        return [CheckResult(name=NAME, passed=False, details=f"no .tf files in {ctx.terraform_dir}")]
    errors = []
    for path in files:
        try:
            hclread.loads(path.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001 - the parser raises several types; each is a finding
            errors.append({"file": path.name, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__})
    if errors:
        return [CheckResult(name=NAME, passed=False, findings=errors,
                            details="\n".join(f"{e['file']}: {e['error']}" for e in errors))]
    return [CheckResult(name=NAME, passed=True, details=f"{len(files)} files parsed")]
