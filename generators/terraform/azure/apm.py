"""apm.tf: the Datadog / New Relic keys on Azure (`monitoring: [datadog]` / `[newrelic]` on VMs, New Relic on AKS).

The key never enters a file: the reviewer stores it in a Key Vault (RBAC authorization) and gives the secret's
resource id as a deployment input (`/dev-agent set datadog_key_vault_secret_id=/subscriptions/.../vaults/<vault>/
secrets/<name>`, "Before you merge"). The workload's managed identity gets "Key Vault Secrets User" on exactly that
secret (the role assignment's scope is the secret), and the VM's boot script reads it with that identity's token
(generators/terraform/vm_agents.py). On AKS the chart's ExternalSecret reads New Relic's key through a second
SecretStore (`extraStores.apm`, workload identity as the app's identity) pointed at that vault (connection.tf's
`helm_values`). The vault's host name is `<vault>.vault.azure.net` (Azure's public cloud)."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import KEY_VAULT_SECRET_ID, ComputeKind, Monitoring
from generators.hcl import Block, Call, Ref, block
from generators.helm.values import chart_name
from generators.terraform import vm_agents
from generators.terraform.azure.resource_group import APP_PRINCIPAL
from generators.terraform.context import Context, pattern_variable

SECRET_ID_PATTERN = KEY_VAULT_SECRET_ID
SECRETS = {Monitoring.datadog: "datadog_key_vault_secret_id", Monitoring.newrelic: "newrelic_key_vault_secret_id"}
VENDOR = {Monitoring.datadog: "Datadog API key", Monitoring.newrelic: "New Relic license key"}
IMDS = ("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
        "&resource=https://vault.azure.net&client_id=%s")
TOKEN = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])'"
VALUE = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"value\"])'"


def tools(plan: Plan) -> set[Monitoring]:
    """Agents whose key this environment reads from the reviewer's Key Vault."""
    chosen = {Monitoring.datadog, Monitoring.newrelic} & set(plan.spec.monitoring)
    if plan.spec.compute.kind == ComputeKind.vm:
        return chosen
    if plan.spec.compute.kind == ComputeKind.kubernetes:  # Datadog on AKS: the operator's node Agent holds its key
        return chosen & {Monitoring.newrelic}
    return set()


def applies(plan: Plan) -> bool:
    return bool(tools(plan))


def _part(variable: str, index: int) -> Call:
    """One segment of the secret's resource id (8: the vault's name, 10: the secret's name)."""
    return Call("element", Call("split", "/", Ref(f"var.{variable}")), index)


def helm_values(plan: Plan) -> dict[str, Any]:
    """`externalSecret` additions of the chart's `helm_values` on AKS: the `apm` store and New Relic's key."""
    if plan.spec.compute.kind != ComputeKind.kubernetes or Monitoring.newrelic not in tools(plan):
        return {}
    variable = SECRETS[Monitoring.newrelic]
    store = {"azurekv": {"authType": "WorkloadIdentity",
                         "vaultUrl": Call("format", "https://%s.vault.azure.net", _part(variable, 8)),
                         "serviceAccountRef": {"name": chart_name(plan)}}}
    return {"extraStores": {"apm": store},
            "managedSecrets": {"NEW_RELIC_LICENSE_KEY": {"key": _part(variable, 10), "store": "apm"}}}


def key_reads() -> dict[Monitoring, vm_agents.KeyRead]:
    """Shell commands printing each key on a VM, with the workload identity's token for Key Vault."""
    command = (f'curl -sf -H "Authorization: Bearer $(curl -s -H Metadata:true "{IMDS}" | {TOKEN})" '
               f'"https://%s.vault.azure.net/secrets/%s?api-version=7.4" | {VALUE}')
    client = Ref("azurerm_user_assigned_identity.app.client_id")
    return {tool: vm_agents.KeyRead(command, (client, _part(variable, 8), _part(variable, 10)))
            for tool, variable in SECRETS.items()}


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for tool in sorted(tools(ctx.plan)):
        variable = SECRETS[tool]
        blocks += [
            block("resource", "azurerm_role_assignment", f"{tool.value}_key_app", scope=Ref(f"var.{variable}"),
                  role_definition_name="Key Vault Secrets User", principal_id=APP_PRINCIPAL),
            pattern_variable(variable, SECRET_ID_PATTERN,
                             f"Key Vault secret (resource id) holding the {VENDOR[tool]}; the key itself never goes "
                             "into a file.",
                             f"{variable} must be a Key Vault secret's resource id."),
        ]
    if Monitoring.datadog in tools(ctx.plan):
        blocks.append(vm_agents.site_variable())
    return blocks
