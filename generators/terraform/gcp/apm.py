"""apm.tf: the Datadog / New Relic keys on GCP (`monitoring: [datadog]` / `[newrelic]` on GKE and VMs).

The key never enters a file: the reviewer stores it in Secret Manager in the environment's project and gives the
secret's name as a deployment input (`/dev-agent set newrelic_secret_id=...` / `datadog_secret_id=...`, "Before you
merge"). The app's service account may read exactly that secret (secretAccessor on it, nothing project-wide).
- GKE, New Relic: the chart's ExternalSecret copies it into NEW_RELIC_LICENSE_KEY (connection.tf's `helm_values`,
  through the release's SecretStore that acts as the app's service account); generators/helm/apm.py sets
  NEW_RELIC_APP_NAME. (Datadog on GKE uses the node-local Agent the operator installs: no key here.)
- VMs: the startup script reads the key with the VM's service account at boot and installs the agent
  (generators/terraform/vm_agents.py)."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, Monitoring
from generators.hcl import Block, Ref, block
from generators.terraform import vm_agents
from generators.terraform.context import Context, pattern_variable
from generators.terraform.gcp.identity import app_member

SECRET_ID_PATTERN = r"^[A-Za-z0-9_-]{1,255}$"
SECRETS = {Monitoring.datadog: "datadog_secret_id", Monitoring.newrelic: "newrelic_secret_id"}
VENDOR = {Monitoring.datadog: "Datadog API key", Monitoring.newrelic: "New Relic license key"}


def tools(plan: Plan) -> set[Monitoring]:
    """Agents whose key this environment reads from Secret Manager."""
    chosen = {Monitoring.datadog, Monitoring.newrelic} & set(plan.spec.monitoring)
    if plan.spec.compute.kind == ComputeKind.vm:
        return chosen
    if plan.spec.compute.kind == ComputeKind.kubernetes:
        return chosen & {Monitoring.newrelic}
    return set()


def applies(plan: Plan) -> bool:
    return bool(tools(plan))


def managed_secrets(plan: Plan) -> dict[str, dict[str, Any]]:
    """The chart's `managedSecrets` entries on GKE (Secret Manager secret name)."""
    if plan.spec.compute.kind != ComputeKind.kubernetes or Monitoring.newrelic not in tools(plan):
        return {}
    return {"NEW_RELIC_LICENSE_KEY": {"key": Ref("var.newrelic_secret_id")}}


ACCESS = "https://secretmanager.googleapis.com/v1/projects/%s/secrets/%s/versions/latest:access"
PAYLOAD = ("python3 -c 'import base64,json,sys;"
           " print(base64.b64decode(json.load(sys.stdin)[\"payload\"][\"data\"]).decode())'")


def key_reads(token: str) -> dict[Monitoring, vm_agents.KeyRead]:
    """Shell commands printing each key on a VM (`token`: the command substitution of the VM's access token)."""
    command = f'curl -sf -H "Authorization: Bearer {token}" "{ACCESS}" | {PAYLOAD}'
    return {tool: vm_agents.KeyRead(command, (Ref("var.project_id"), Ref(f"var.{variable}")))
            for tool, variable in SECRETS.items()}


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for tool in sorted(tools(ctx.plan)):
        variable = SECRETS[tool]
        blocks += [
            block("resource", "google_secret_manager_secret_iam_member", f"{tool.value}_key_app",
                  project=Ref("var.project_id"), secret_id=Ref(f"var.{variable}"),
                  role="roles/secretmanager.secretAccessor", member=app_member()),
            pattern_variable(variable, SECRET_ID_PATTERN,
                             f"Secret Manager secret (its name, in var.project_id) holding the {VENDOR[tool]}; "
                             "the key itself never goes into a file.",
                             f"{variable} must be a Secret Manager secret name."),
        ]
    if Monitoring.datadog in tools(ctx.plan):
        blocks.append(vm_agents.site_variable())
    return blocks
