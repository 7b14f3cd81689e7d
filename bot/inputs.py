"""Terraform inputs: every variable without a default must get a value before `terraform apply -input=false`.

Values come from the environment's generated `terraform/dev-agent.auto.tfvars.json` (from its spec: `app.image`,
`inputs.*`, or a safe public default) or, for org-wide values, from repository variables the workflows pass as
`TF_VAR_*`. `missing_inputs` lists what is still unset; the report shows it under "Before you merge" and the
`inputs` check fails (in the bot's check run, `dev-agent check` and before apply/destroy/drift) while any is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import hclread
from bot.settings import Settings

TFVARS_FILE = "dev-agent.auto.tfvars.json"


@dataclass(frozen=True)
class InputInfo:
    """How a reviewer supplies one input."""

    description: str
    set_command: str  # the `/dev-agent set` assignment (empty: not per environment)
    repository_variable: str = ""  # org-wide: the repository variable the workflows pass as TF_VAR_<name>
    setting: str = ""  # the bot setting holding the same org-wide value (what the bot knows of it)
    cloud: str = ""  # the cloud whose workflows pass the repository variable


INPUTS: dict[str, InputInfo] = {
    "image": InputInfo("container image of the app, pinned by tag or digest",
                       "/dev-agent set image=<registry>/<name>:<tag>"),
    "certificate_arn": InputInfo("ACM certificate (same region) for the load balancer's HTTPS listener",
                                 "/dev-agent set certificate_arn=arn:aws:acm:<region>:<account>:certificate/<id>"),
    "cdn_domain": InputInfo("public name of the app behind CloudFront (covered by both certificates; point its DNS "
                            "record at the `cdn_domain_name` output after apply)", "/dev-agent set cdn_domain=app.example.com"),
    "cdn_certificate_arn": InputInfo("ACM certificate in us-east-1 for CloudFront, covering cdn_domain",
                                     "/dev-agent set cdn_certificate_arn=arn:aws:acm:us-east-1:<account>:certificate/<id>"),
    "datadog_secret_arn": InputInfo("Secrets Manager secret (ARN) holding the Datadog API key (the Agent sidecar, "
                                    "the Lambda extension or the VM's Agent reads it); store the key there, never in "
                                    "the repository",
                                    "/dev-agent set datadog_secret_arn=arn:aws:secretsmanager:<region>:<account>:secret:<name>"),
    "newrelic_secret_arn": InputInfo("Secrets Manager secret (ARN) holding the New Relic license key (on Lambda as "
                                     "JSON {\"LicenseKey\": \"...\"}, as New Relic's extension reads it)",
                                     "/dev-agent set newrelic_secret_arn=arn:aws:secretsmanager:<region>:<account>:secret:<name>"),
    "newrelic_account_id": InputInfo("New Relic account id the Lambda extension reports to",
                                     "/dev-agent set newrelic_account_id=<account id>"),
    "datadog_secret_id": InputInfo("Secret Manager secret (its name, in the environment's project) holding the "
                                   "Datadog API key the VM's Agent reads; store the key there, never in the repository",
                                   "/dev-agent set datadog_secret_id=<secret name>"),
    "datadog_key_vault_secret_id": InputInfo(
        "Key Vault secret (resource id; the vault uses RBAC) holding the Datadog API key the VM's Agent reads",
        "/dev-agent set datadog_key_vault_secret_id=/subscriptions/<id>/resourceGroups/<rg>/providers/"
        "Microsoft.KeyVault/vaults/<vault>/secrets/<name>"),
    "newrelic_key_vault_secret_id": InputInfo(
        "Key Vault secret (resource id; the vault uses RBAC) holding the New Relic license key",
        "/dev-agent set newrelic_key_vault_secret_id=/subscriptions/<id>/resourceGroups/<rg>/providers/"
        "Microsoft.KeyVault/vaults/<vault>/secrets/<name>"),
    "newrelic_secret_id": InputInfo("Secret Manager secret (its name, in the environment's project) holding the "
                                    "New Relic license key", "/dev-agent set newrelic_secret_id=<secret name>"),
    "project_id": InputInfo("GCP project that holds the environment", "/dev-agent set project_id=<project>",
                            "DEV_AGENT_GCP_PROJECT_ID", "gcp_project_id", "gcp"),
    "subscription_id": InputInfo("Azure subscription that holds the environment",
                                 "/dev-agent set subscription_id=<uuid>", "DEV_AGENT_AZURE_SUBSCRIPTION_ID",
                                 "azure_subscription_id", "azure"),
}
PLACEHOLDER_VALUES = {"", "example-project", "00000000-0000-0000-0000-000000000000"}


@dataclass(frozen=True)
class MissingInput:
    """A Terraform variable nothing gives a value to, and how to give it one."""

    name: str
    description: str
    how: str

    def line(self) -> str:
        return f"{self.name}: {self.description}; {self.how}"

    def finding(self) -> dict[str, str]:
        info = INPUTS.get(self.name)
        setting = f"DEV_AGENT_{info.setting.upper()}" if info and info.setting else ""
        return {"input": self.name, "description": self.description, "how": self.how,
                "set_command": info.set_command if info else "",
                "repository_variable": info.repository_variable if info else "", "setting": setting}


def required_variables(tf_files: Mapping[str, str], parsed: Mapping[str, dict[str, Any]] | None = None) -> list[str]:
    """Names of the variables no file gives a default (path -> text; `*_override.tf` files count too).
    `parsed` holds files already parsed (path -> HCL dict)."""
    declared, defaulted = set(), set()
    for path, text in tf_files.items():
        if not path.endswith(".tf") or 'variable "' not in text:
            continue
        document = parsed[path] if parsed and path in parsed else hclread.loads(text)
        for variable in document.get("variable", []):
            for name, body in variable.items():
                declared.add(name)
                if "default" in body:
                    defaulted.add(name)
    return sorted(declared - defaulted)


def _how(name: str) -> str:
    info = INPUTS.get(name)
    if info is None:
        return f"set TF_VAR_{name} in the workflows or give the variable a default in the generator"
    ways = [f"comment `{info.set_command}`"] if info.set_command else []
    if info.repository_variable:
        ways.append(f"or set the repository variable `{info.repository_variable}` for every environment "
                    f"(and the bot setting `DEV_AGENT_{info.setting.upper()}`)")
    return " ".join(ways)


def missing_inputs(
    tf_files: Mapping[str, str], settings: Settings | None = None, env: Mapping[str, str] | None = None,
    parsed: Mapping[str, dict[str, Any]] | None = None,
) -> list[MissingInput]:
    """Required variables with no value in the tfvars file, in `TF_VAR_*` of `env` (the runner) or, for an
    org-wide input, in the bot's setting of the same value."""
    env = os.environ if env is None else env
    tfvars: dict[str, Any] = {}
    for path, text in tf_files.items():
        if path.endswith(TFVARS_FILE):
            tfvars = json.loads(text)
    missing = []
    for name in required_variables(tf_files, parsed):
        if str(tfvars.get(name) or "").strip() or str(env.get(f"TF_VAR_{name}") or "").strip():
            continue
        info = INPUTS.get(name)
        org_value = getattr(settings, info.setting, "") if info and info.setting and settings is not None else ""
        if org_value not in PLACEHOLDER_VALUES:
            continue
        missing.append(MissingInput(name, info.description if info else "Terraform variable without a default",
                                    _how(name)))
    return missing


def terraform_files(terraform_dir: Path) -> dict[str, str]:
    """The `*.tf` files and the tfvars file of a Terraform directory, by name."""
    paths = [*sorted(terraform_dir.glob("*.tf")), terraform_dir / TFVARS_FILE]
    return {p.name: p.read_text(encoding="utf-8") for p in paths if p.is_file()}
