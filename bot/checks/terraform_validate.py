"""`terraform init` (offline, from the provider mirror) + `terraform validate`, on a copy of the Terraform dir.

Only AWS: its provider is in the offline mirror; GCP and Azure are checked by parse, fmt and checkov.
"""

from __future__ import annotations

import json
import shutil

from bot.checks.context import CheckContext
from bot.checks.tools import find_tool, missing, trim
from bot.pipeline import terraform
from bot.pipeline.run import CheckResult

NAME = "terraform validate"
CLOUDS_WITH_PROVIDER = {"aws"}


def check(ctx: CheckContext) -> list[CheckResult]:
    cloud = ctx.cloud()
    if cloud not in CLOUDS_WITH_PROVIDER:
        return [CheckResult(name=NAME, passed=True,
                            skipped_reason=f"the {cloud} provider is not in the offline mirror; "
                            "checked by hcl parse, terraform fmt and checkov instead")]
    if find_tool("terraform") is None:
        return [missing(NAME, "terraform")]
    if not ctx.tf_files():
        return [CheckResult(name=NAME, passed=False, details=f"no .tf files in {ctx.terraform_dir}")]
    copy = ctx.workdir / "terraform"
    shutil.copytree(ctx.terraform_dir, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    timeout = ctx.settings.tool_timeout_seconds
    init = terraform.init(copy, backend=False, timeout=timeout)
    if not init.ok:
        return [CheckResult(name=NAME, passed=False, details="terraform init failed:\n" + trim(init.summary()))]
    proc = terraform.run(copy, ["validate", "-json", "-no-color"], timeout=timeout)
    if proc.timed_out:
        return [CheckResult(name=NAME, passed=False, details="terraform validate timed out")]
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return [CheckResult(name=NAME, passed=False, details=trim(proc.stderr + proc.stdout))]
    findings = [
        {"severity": d.get("severity"), "summary": d.get("summary"), "detail": d.get("detail", ""),
         "file": (d.get("range") or {}).get("filename"), "line": ((d.get("range") or {}).get("start") or {}).get("line")}
        for d in report.get("diagnostics", [])
    ]
    passed = bool(report.get("valid"))
    details = "configuration is valid" if passed else "\n".join(f"{f['file']}:{f['line']}: {f['summary']}" for f in findings)
    return [CheckResult(name=NAME, passed=passed, details=trim(details), findings=findings)]
