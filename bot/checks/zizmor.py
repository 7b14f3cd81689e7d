"""`zizmor --offline --persona pedantic`: no finding in the generated workflows, not even a pedantic one
(template injection, permissions without a stated reason, ...)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from bot.checks.cache import Input, tool_identity
from bot.checks.context import CheckContext
from bot.checks.tools import CheckIncomplete, find_tool, missing, run, trim
from bot.pipeline.results import CheckResult

NAME = "zizmor"


def _finding(item: dict[str, Any]) -> dict[str, Any]:
    locations = item.get("locations") or [{}]
    symbolic = locations[0].get("symbolic") or {}
    concrete = (locations[0].get("concrete") or {}).get("location", {}).get("start_point", {})
    local = (symbolic.get("key") or {}).get("Local") or {}
    path = Path(local.get("verbatim_path") or local.get("given_path") or "").name
    return {
        "check_id": item.get("ident"),
        "check_name": item.get("desc"),
        "severity": (item.get("determinations") or {}).get("severity"),
        "file": f"{path}:{concrete.get('row', 0) + 1}",
    }


def reads(ctx: CheckContext) -> list[Input]:
    return [tool_identity(find_tool("zizmor")), *ctx.workflow_inputs()]


def check(ctx: CheckContext) -> list[CheckResult]:
    binary = find_tool("zizmor")
    if binary is None:
        raise missing("zizmor")
    files = ctx.workflow_files()
    if not files:
        return [CheckResult(name=NAME, passed=False,
                            details=f"no dev-agent workflows in {ctx.repo_root / '.github/workflows'}")]
    try:
        proc = run([binary, "--offline", "--persona", "pedantic", "--no-progress", "--format", "json",
                    *map(str, files)],
                   timeout=ctx.settings.tool_timeout_seconds)
    except subprocess.TimeoutExpired:
        raise CheckIncomplete("zizmor timed out") from None
    try:
        findings = [_finding(item) for item in json.loads(proc.stdout or "[]")]
    except (json.JSONDecodeError, AttributeError, TypeError):
        return [CheckResult(name=NAME, passed=False,
                            details="zizmor did not produce JSON:\n" + trim(proc.stderr or proc.stdout))]
    if findings:
        details = "\n".join(f"{f['check_id']} ({f['severity']}) {f['check_name']} at {f['file']}" for f in findings)
        return [CheckResult(name=NAME, passed=False, details=trim(details), findings=findings)]
    if proc.returncode not in (0,):
        return [CheckResult(name=NAME, passed=False, details=trim(proc.stderr))]
    return [CheckResult(name=NAME, passed=True, details=f"no findings in {len(files)} workflows")]
