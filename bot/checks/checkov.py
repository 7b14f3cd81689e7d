"""checkov on the Terraform and on the rendered Helm manifests: two checks, each a scan in the warm checkov
process of this worker (bot/checks/warm.py), or in the `checkov` CLI when `warm_checks` is off.

Offline: no package update check, no Bridgecrew mapping download. A framework that scanned no resource is an
error, not a pass. Skips come from policies/checkov-skips-*.yaml, each with its reason.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

from bot.checks.cache import Input, file_inputs, tool_identity
from bot.checks.context import CheckContext
from bot.checks.helm_tool import helm_identity
from bot.checks.skips import Skip, SkipListError, skips_for
from bot.checks.tools import CheckIncomplete, find_tool, missing, run, trim
from bot.checks.warm import OFFLINE_ENV, WarmCheckov, WarmUnavailable, shared
from bot.errors import ToolError
from bot.pipeline.results import CheckResult

log = logging.getLogger(__name__)

FRAMEWORKS = {"terraform": "checkov terraform", "kubernetes": "checkov kubernetes"}


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


class CheckovError(ToolError):
    """checkov timed out or did not print JSON."""


def arguments(directories: list[Path], skips: list[Skip], quiet: bool = True,
              frameworks: list[str] | None = None) -> list[str]:
    """checkov's command-line arguments (after the program name) for one scan."""
    args = ["-o", "json", *(["--quiet"] if quiet else []), "--skip-download",
            "--framework", *(frameworks or FRAMEWORKS)]
    for directory in directories:
        args += ["-d", str(directory)]
    if skips:
        args += ["--skip-check", ",".join(s.check_id for s in skips)]
    return args


def scan(binary: str, directories: list[Path], skips: list[Skip], cwd: Path, timeout: float,
         quiet: bool = True, frameworks: list[str] | None = None,
         warm: WarmCheckov | None = None) -> dict[str, dict[str, Any]]:
    """One checkov scan of the directories (terraform + kubernetes unless `frameworks` says); reports by framework.

    With `warm`, the scan runs in the warm checkov process (no start-up); when that process cannot answer,
    in a fresh `checkov` CLI, as without it. `quiet` leaves passed checks out of the reports. To scan many
    environments with the CLI (its start-up, ~4 s CPU of imports, dwarfs a small scan) put them under one
    parent directory: with several `-d` of one framework checkov prints a report per directory, cumulated.
    """
    args = arguments(directories, skips, quiet, frameworks)
    stdout = stderr = None
    if warm is not None:
        try:
            _code, stdout, stderr = warm.run(args, cwd, timeout)
        except TimeoutError:
            raise CheckovError("checkov timed out") from None
        except WarmUnavailable as exc:
            log.warning("warm checkov unavailable (%s); running the checkov CLI", exc)
    if stdout is None:
        try:
            proc = run([binary, *args], cwd=cwd, timeout=timeout, env={**os.environ, **OFFLINE_ENV})
        except subprocess.TimeoutExpired:
            raise CheckovError("checkov timed out") from None
        stdout, stderr = proc.stdout, proc.stderr
    try:
        return parse_reports(stdout)
    except json.JSONDecodeError:
        raise CheckovError("checkov did not produce JSON:\n" + trim(stderr or stdout)) from None


def _skips(ctx: CheckContext) -> list[Skip]:
    try:
        return skips_for(ctx.cloud(), ctx.tier())
    except SkipListError as exc:
        raise CheckIncomplete(str(exc)) from None


def _warm(ctx: CheckContext, binary: str) -> WarmCheckov | None:
    if not ctx.settings.warm_checks:
        return None
    try:
        return shared(binary, ctx.settings.checkov_max_rss_mb)
    except WarmUnavailable as exc:
        log.warning("warm checkov unavailable (%s); running the checkov CLI", exc)
        return None


def _scan_one(ctx: CheckContext, framework: str, directory: Path, base: Path) -> CheckResult:
    binary = find_tool(ctx.settings.checkov_bin)
    if binary is None:
        raise missing("checkov")
    skips = _skips(ctx)
    try:
        reports = scan(binary, [directory], skips, ctx.workdir, ctx.settings.tool_timeout_seconds,
                       frameworks=[framework], warm=_warm(ctx, binary))
    except CheckovError as exc:
        raise CheckIncomplete(str(exc)) from None
    return framework_result(FRAMEWORKS[framework], reports.get(framework), base, skips)


def terraform_reads(ctx: CheckContext) -> list[Input]:
    """The Terraform files, the skips that apply and checkov itself."""
    return [tool_identity(find_tool(ctx.settings.checkov_bin)), repr(_skips(ctx)), *file_inputs(ctx.terraform_dir)]


def kubernetes_reads(ctx: CheckContext) -> list[Input]:
    """The charts rendered into the environment's namespace, the skips that apply and checkov itself."""
    return [tool_identity(find_tool(ctx.settings.checkov_bin)), repr(_skips(ctx)), helm_identity(),
            ctx.environment_name, *ctx.chart_inputs()]


def check_terraform(ctx: CheckContext) -> list[CheckResult]:
    """checkov on the Terraform directory."""
    directory = ctx.terraform_dir if ctx.terraform_dir.is_dir() else ctx.workdir / "no-terraform"
    return [_scan_one(ctx, "terraform", directory, ctx.terraform_dir)]


def check_kubernetes(ctx: CheckContext) -> list[CheckResult]:
    """checkov on the manifests rendered from the environment's charts (none where nothing runs Kubernetes)."""
    if not ctx.charts() and not ctx.runs_kubernetes() and find_tool(ctx.settings.checkov_bin) is not None:
        return [CheckResult(name=FRAMEWORKS["kubernetes"], passed=True, details="no chart: nothing runs Kubernetes",
                            skipped_reason="the environment does not run Kubernetes")]
    rendered = ctx.rendered()
    assert rendered.directory is not None
    return [_scan_one(ctx, "kubernetes", rendered.directory, rendered.directory)]


def check(ctx: CheckContext) -> list[CheckResult]:
    """Both frameworks (what `run_checks` runs as two checks, in parallel)."""
    return check_terraform(ctx) + check_kubernetes(ctx)
