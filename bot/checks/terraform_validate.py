"""`terraform validate` on a copy of the Terraform dir, initialised once per provider set (terraform_init) and
reattached to this worker's running providers (providers), or by its own `terraform init` when `warm_checks`
is off.

Only AWS: its provider is in the offline mirror; GCP and Azure are checked by parse, fmt and checkov.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

from bot.checks import providers, terraform_init
from bot.checks.cache import Input, file_inputs, tool_identity
from bot.checks.context import CheckContext
from bot.checks.tools import CheckIncomplete, find_tool, missing, trim
from bot.checks.warm import owner
from bot.pipeline import terraform
from bot.pipeline.results import CheckResult

log = logging.getLogger(__name__)

NAME = "terraform validate"
CLOUDS_WITH_PROVIDER = {"aws"}
WORD = re.compile(r"[A-Za-z0-9_]+")


def reads(ctx: CheckContext) -> list[Input]:
    """The cloud, the Terraform files, terraform itself and the provider mirror it installs from."""
    return [ctx.cloud(), tool_identity(find_tool("terraform")), str(terraform.provider_mirror()),
            *file_inputs(ctx.terraform_dir)]


def check(ctx: CheckContext) -> list[CheckResult]:
    cloud = ctx.cloud()
    if cloud not in CLOUDS_WITH_PROVIDER:
        return [CheckResult(name=NAME, passed=True,
                            skipped_reason=f"the {cloud} provider is not in the offline mirror; "
                            "checked by hcl parse, terraform fmt and checkov instead")]
    if find_tool("terraform") is None:
        raise missing("terraform")
    files = ctx.tf_files()
    if not files:
        return [CheckResult(name=NAME, passed=False, details=f"no .tf files in {ctx.terraform_dir}")]
    copy = ctx.workdir / "terraform"
    shutil.copytree(ctx.terraform_dir, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    timeout = ctx.settings.tool_timeout_seconds
    requirements = None
    if ctx.settings.warm_checks:
        requirements = terraform_init.provider_requirements([path.read_text(encoding="utf-8") for path in files])
    proc = None
    if requirements:
        try:
            prepared = terraform_init.prepared(requirements, timeout)
        except terraform_init.InitFailed as exc:
            return [CheckResult(name=NAME, passed=False, details="terraform init failed:\n" + trim(str(exc)))]
        shutil.copy(prepared / terraform_init.LOCK_FILE, copy / terraform_init.LOCK_FILE)
        env = terraform_init.validate_env(prepared)
        reattached = _reattach(prepared)
        proc = None
        if reattached:  # the schema narrowed to the configuration's types; a failing run again with all of it
            with providers.narrowed(reattached["TF_REATTACH_PROVIDERS"], _words(copy)) as narrow:
                proc = _validate(copy, timeout, {**env, "TF_REATTACH_PROVIDERS": narrow})
            reattached = {"TF_REATTACH_PROVIDERS": providers.plain(reattached["TF_REATTACH_PROVIDERS"])}
        if proc is None or not _valid(proc):
            proc = _validate(copy, timeout, {**env, **reattached})
        if reattached and providers.lost(proc.stdout + proc.stderr):  # the warm provider is gone: without it
            providers.forget(prepared, owner())
            proc = _validate(copy, timeout, env)
        if terraform_init.needs_own_init(proc.stdout + proc.stderr):
            (copy / terraform_init.LOCK_FILE).unlink()
            proc = None
    if proc is None:  # the configuration needs more than its declared providers: its own init
        init = terraform.init(copy, backend=False, timeout=timeout)
        if not init.ok:
            return [CheckResult(name=NAME, passed=False, details="terraform init failed:\n" + trim(init.summary()))]
        proc = _validate(copy, timeout)
    return [_result(proc)]


def _reattach(prepared: Path) -> dict[str, str]:
    """TF_REATTACH_PROVIDERS of this worker's warm providers (empty when they cannot start)."""
    try:
        value = providers.reattach(prepared, owner())
    except (providers.ProviderUnavailable, OSError) as exc:
        log.warning("terraform validate without warm providers: %s", exc)
        return {}
    return {"TF_REATTACH_PROVIDERS": value} if value else {}


def _words(directory: Path) -> set[str]:
    """Every word of the configuration: it names each resource, data source and ephemeral type it uses."""
    words: set[str] = set()
    for path in [*directory.rglob("*.tf"), *directory.rglob("*.tf.json")]:
        words.update(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


def _valid(proc: terraform.Result) -> bool:
    try:
        return json.loads(proc.stdout).get("valid") is True
    except (json.JSONDecodeError, AttributeError):
        return False


def _validate(directory: Path, timeout: float, env: dict[str, str] | None = None) -> terraform.Result:
    proc = terraform.run(directory, ["validate", "-json", "-no-color"], timeout=timeout, env=env)
    if proc.timed_out:
        raise CheckIncomplete("terraform validate timed out")
    return proc


def _result(proc: terraform.Result) -> CheckResult:
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return CheckResult(name=NAME, passed=False, details=trim(proc.stderr + proc.stdout))
    findings = [
        {"severity": d.get("severity"), "summary": d.get("summary"), "detail": d.get("detail", ""),
         "file": (d.get("range") or {}).get("filename"),
         "line": ((d.get("range") or {}).get("start") or {}).get("line")}
        for d in report.get("diagnostics", [])
    ]
    # terraform walks the configuration concurrently: its diagnostics come in any order
    findings.sort(key=lambda f: (str(f["file"] or ""), f["line"] or 0, str(f["summary"]), str(f["detail"])))
    passed = bool(report.get("valid"))
    details = "configuration is valid" if passed else "\n".join(
        f"{f['file']}:{f['line']}: {f['summary']}" for f in findings)
    return CheckResult(name=NAME, passed=passed, details=trim(details), findings=findings)
