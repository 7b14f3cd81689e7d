"""checkov on the Terraform and on the rendered Helm manifests, in one run (one start-up) with two results.

Offline: no package update check, no Bridgecrew mapping download. A framework that scanned no resource is an
error, not a pass. Skips come from policies/checkov-skips-*.yaml, each with its reason.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from bot.checks.context import CheckContext
from bot.checks.skips import Skip, SkipListError, skips_for
from bot.checks.tools import find_tool, missing, run, trim
from bot.pipeline.run import CheckResult

FRAMEWORKS = {"terraform": "checkov terraform", "kubernetes": "checkov kubernetes"}
OFFLINE_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}


def parse_reports(stdout: str) -> dict[str, dict[str, Any]]:
    """checkov's JSON output (one value, a list, or several concatenated values) keyed by framework."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    index = 0
    text = stdout.strip()
    while index < len(text):
        value, end = decoder.raw_decode(text, index)
        values.extend(value if isinstance(value, list) else [value])
        index = end
        while index < len(text) and text[index].isspace():
            index += 1
    return {v["check_type"]: v for v in values if isinstance(v, dict) and "check_type" in v}


def finding(failed: dict[str, Any], base: Path) -> dict[str, Any]:
    """One failed check as check_id, check_name, resource and file:line."""
    lines = failed.get("file_line_range") or [0, 0]
    path = failed.get("file_abs_path") or failed.get("file_path") or ""
    try:
        path = str(Path(path).relative_to(base))
    except ValueError:
        path = str(path).lstrip("/")
    return {
        "check_id": failed.get("check_id"),
        "check_name": failed.get("check_name"),
        "resource": failed.get("resource"),
        "file": f"{path}:{lines[0]}",
        "guideline": failed.get("guideline"),
    }


def framework_result(name: str, report: dict[str, Any] | None, base: Path, skips: list[Skip]) -> CheckResult:
    """The CheckResult of one framework's report."""
    if report is None or not (report.get("summary") or {}).get("resource_count"):
        return CheckResult(name=name, passed=False, details="0 resources scanned: checkov found nothing to check")
    summary = report["summary"]
    failed = [finding(f, base) for f in report.get("results", {}).get("failed_checks", [])]
    lines = [f"{summary.get('resource_count')} resources, {summary.get('passed', 0)} passed, "
             f"{summary.get('failed', 0)} failed, {summary.get('skipped', 0)} skipped"]
    lines += [f"{f['check_id']} {f['check_name']} ({f['resource']}, {f['file']})" for f in failed]
    if summary.get("parsing_errors"):
        lines.append(f"{summary['parsing_errors']} files could not be parsed")
    lines += [f"skipped {s.check_id}: {s.reason}" for s in skips if s.check_id.startswith(_prefix(name))]
    passed = not failed and not summary.get("parsing_errors")
    counts = {key: int(summary.get(key) or 0) for key in ("passed", "failed", "skipped")}
    return CheckResult(name=name, passed=passed, details=trim("\n".join(lines)), findings=failed, counts=counts)


def _prefix(name: str) -> str:
    return "CKV_K8S" if name.endswith("kubernetes") else "CKV_"


class CheckovError(RuntimeError):
    """checkov timed out or did not print JSON."""


def scan(binary: str, directories: list[Path], skips: list[Skip], cwd: Path, timeout: float,
         quiet: bool = True) -> dict[str, dict[str, Any]]:
    """One checkov run (terraform + kubernetes) over the directories; its reports keyed by framework.

    `quiet` leaves passed checks out of the reports. To scan many environments in one run (checkov's start-up,
    ~4 s CPU of imports, dwarfs a small scan) put them under one parent directory: with several `-d` of one
    framework checkov prints a report per directory, cumulated, instead of one report.
    """
    args = [binary, "-o", "json", *(["--quiet"] if quiet else []), "--skip-download", "--framework", *FRAMEWORKS]
    for directory in directories:
        args += ["-d", str(directory)]
    if skips:
        args += ["--skip-check", ",".join(s.check_id for s in skips)]
    try:
        proc = run(args, cwd=cwd, timeout=timeout, env={**os.environ, **OFFLINE_ENV})
    except subprocess.TimeoutExpired:
        raise CheckovError("checkov timed out") from None
    try:
        return parse_reports(proc.stdout)
    except json.JSONDecodeError:
        raise CheckovError("checkov did not produce JSON:\n" + trim(proc.stderr or proc.stdout)) from None


def check(ctx: CheckContext) -> list[CheckResult]:
    binary = find_tool(ctx.settings.checkov_bin)
    if binary is None:
        return [missing(name, "checkov") for name in FRAMEWORKS.values()]
    try:
        skips = skips_for(ctx.cloud(), ctx.tier())
    except SkipListError as exc:
        return [CheckResult(name=name, passed=False, details=str(exc)) for name in FRAMEWORKS.values()]
    rendered = ctx.rendered()
    terraform_dir = ctx.terraform_dir if ctx.terraform_dir.is_dir() else ctx.workdir / "no-terraform"
    try:
        reports = scan(binary, [terraform_dir, rendered.directory], skips, ctx.workdir, ctx.settings.tool_timeout_seconds)
    except CheckovError as exc:
        return [CheckResult(name=name, passed=False, details=str(exc)) for name in FRAMEWORKS.values()]
    bases = {"terraform": ctx.terraform_dir, "kubernetes": rendered.directory}
    results = [framework_result(name, reports.get(fw), bases[fw], skips) for fw, name in FRAMEWORKS.items()]
    if not ctx.charts() and not ctx.runs_kubernetes():  # no chart is generated where nothing runs Kubernetes
        results = [CheckResult(name=r.name, passed=True, details="no chart: nothing runs Kubernetes",
                               skipped_reason="the environment does not run Kubernetes")
                   if r.name == FRAMEWORKS["kubernetes"] else r for r in results]
    return results
