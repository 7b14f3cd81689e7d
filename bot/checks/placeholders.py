"""`settings`: the generated workflows and backend name real cloud ids, not the built-in placeholders.

Outside sandbox mode, a login step still using a placeholder role/provider/client/tenant/subscription id, an AWS
backend without the state KMS key, or workflows without a pinned install source fail, each naming the setting to
fill (`dev-agent bootstrap --cloud ...` prints the values).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot import hclread
from bot.checks.cache import Input
from bot.checks.context import CheckContext
from bot.pipeline.results import CheckResult
from bot.settings import Settings

NAME = "settings"
# (login action, its input) -> the setting it comes from, for plan jobs and for deploy jobs
LOGIN_INPUTS: dict[tuple[str, str], tuple[str, str]] = {
    ("aws-actions/configure-aws-credentials", "role-to-assume"): ("aws_plan_role_arn", "aws_role_arn"),
    ("google-github-actions/auth", "workload_identity_provider"): ("gcp_workload_identity_provider",) * 2,
    ("google-github-actions/auth", "service_account"): ("gcp_plan_service_account", "gcp_service_account"),
    ("azure/login", "client-id"): ("azure_plan_client_id", "azure_client_id"),
    ("azure/login", "tenant-id"): ("azure_tenant_id",) * 2,
    ("azure/login", "subscription-id"): ("azure_subscription_id",) * 2,
}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: five workflows read on every review
PLACEHOLDER = re.compile(r"123456789012|00000000-0000-0000-0000-000000000000|example-project")


def env_name(setting: str) -> str:
    return f"DEV_AGENT_{setting.upper()}"


def _login_problems(workflow: str, data: Any) -> list[str]:
    problems = []
    plan = workflow == "dev-agent-plan.yml"
    for job in (data.get("jobs") or {}).values():
        for step in job.get("steps") or []:
            action = str(step.get("uses", "")).split("@")[0]
            for key, value in (step.get("with") or {}).items():
                settings = LOGIN_INPUTS.get((action, key))
                if settings and PLACEHOLDER.search(str(value)):
                    problems.append(f"{env_name(settings[0 if plan else 1])}: {workflow} logs in with the "
                                    f"placeholder {key} {value}")
            if step.get("name") == "Install dev-agent" and "not configured" in str(step.get("run", "")):
                problems.append(f"DEV_AGENT_INSTALL: {workflow} has no pinned install source for dev-agent")
    return problems


def find_problems(ctx: CheckContext) -> list[str]:
    """Each placeholder still in the generated files, as `SETTING: what`."""
    problems: list[str] = []
    for path in ctx.workflow_files():
        problems += _login_problems(path.name, yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {})
    backend = ctx.terraform_dir / "backend.tf"
    if backend.is_file():
        for terraform in hclread.loads(backend.read_text(encoding="utf-8")).get("terraform", []):
            for configured in terraform.get("backend", []):
                s3 = configured.get("s3")
                if s3 is not None and not s3.get("kms_key_id"):
                    problems.append("DEV_AGENT_STATE_KMS_KEY_ID: the S3 state backend has no KMS key")
    return sorted(set(problems))


def reads(ctx: CheckContext) -> list[Input]:
    """The workflows, the backend and sandbox mode."""
    backend = ctx.terraform_dir / "backend.tf"
    return [*ctx.workflow_inputs(), backend.read_bytes() if backend.is_file() else None, str(ctx.settings.sandbox)]


def check(ctx: CheckContext) -> list[CheckResult]:
    settings: Settings = ctx.settings
    if settings.sandbox:
        return [CheckResult(name=NAME, passed=True, details="sandbox mode: placeholder cloud ids are accepted")]
    problems = find_problems(ctx)
    if not problems:
        return [CheckResult(name=NAME, passed=True, details="cloud ids, state key and install source are set")]
    return [CheckResult(name=NAME, passed=False,
                        details="placeholders left (run `dev-agent bootstrap`, then set):\n" + "\n".join(problems),
                        findings=[{"setting": p.split(":")[0], "problem": p} for p in problems])]
