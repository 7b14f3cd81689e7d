"""functions.tf: a Linux Function App on an App Service plan with VNet integration, no public network
access (private endpoint), HTTPS/TLS 1.2, running as the workload's managed identity; its storage
account is reached with that identity (no keys). A scheduled app (compute.schedule) gets its cron as the `SCHEDULE`
app setting in NCRONTAB form: the function's timer trigger reads `%SCHEDULE%` (UTC), and nothing public calls it."""

from __future__ import annotations

from typing import Any

from bot.spec import Language, SpecError, Tier
from generators.hcl import Block, Ref, block
from generators.terraform.azure.names import dashed, tags, unique
from generators.terraform.azure.network import FUNCTIONS, subnet_id
from generators.terraform.azure.private_dns import private_endpoint
from generators.terraform.azure.resource_group import LOCATION, RG
from generators.terraform.azure.storage import storage_account
from generators.terraform.context import Context

IDENTITY = Ref("azurerm_user_assigned_identity.app.id")
# application_stack settings per language; go and rust run as custom handlers.
STACKS: dict[Language, dict[str, Any]] = {
    Language.python: {"python_version": "3.12"},
    Language.node: {"node_version": "20"},
    Language.java: {"java_version": "17"},
    Language.dotnet: {"dotnet_version": "8.0", "use_dotnet_isolated_runtime": True},
    Language.go: {"use_custom_runtime": True},
    Language.rust: {"use_custom_runtime": True},
}


def ncrontab(cron: str) -> str:
    """A five-field cron as the six-field NCRONTAB a timer trigger reads (seconds first)."""
    return f"0 {cron}"


def application_stack(ctx: Context) -> Block:
    language = ctx.spec.app.language or Language.python
    if language not in STACKS:
        reason = f"app.language: {language.value} has no Azure Functions runtime; use compute.kind containers"
        raise SpecError(ctx.name, [reason])
    return block("application_stack", **STACKS[language])


def build(ctx: Context) -> list[Block]:
    prod = ctx.spec.tier == Tier.prod
    app = block(
        "resource", "azurerm_linux_function_app", "app",
        name=unique(ctx, "func", max_length=60), resource_group_name=RG, location=LOCATION,
        service_plan_id=Ref("azurerm_service_plan.functions.id"),
        storage_account_name=Ref("azurerm_storage_account.functions.name"),
        storage_uses_managed_identity=True,
        https_only=True, public_network_access_enabled=False,
        virtual_network_subnet_id=subnet_id(FUNCTIONS[0]),
        key_vault_reference_identity_id=IDENTITY,
        app_settings={"AzureWebJobsStorage__clientId": Ref("azurerm_user_assigned_identity.app.client_id"),
                      "AzureWebJobsStorage__credential": "managedidentity",
                      **({"SCHEDULE": ncrontab(ctx.spec.compute.schedule)} if ctx.spec.compute.schedule else {})},
        tags=tags(ctx),
        identity=block("identity", type="UserAssigned", identity_ids=[IDENTITY]),
        site_config=block("site_config", minimum_tls_version="1.2", ftps_state="Disabled", http2_enabled=True,
                          remote_debugging_enabled=False, vnet_route_all_enabled=True,
                          application_stack=application_stack(ctx)),
    )
    return [
        *storage_account(ctx, "functions", "functions", versioning=True),
        block("resource", "azurerm_role_assignment", "functions_app_owner",
              scope=Ref("azurerm_storage_account.functions.id"), role_definition_name="Storage Blob Data Owner",
              principal_id=Ref("azurerm_user_assigned_identity.app.principal_id")),
        block("resource", "azurerm_service_plan", "functions", name=dashed("asp", ctx.name, max_length=60),
              resource_group_name=RG, location=LOCATION, os_type="Linux", tags=tags(ctx),
              **({"sku_name": "P1v3", "zone_balancing_enabled": True, "worker_count": 3} if prod else {"sku_name": "B1"})),
        app,
        private_endpoint(ctx, "function_app", Ref("azurerm_linux_function_app.app.id"), "sites", "sites"),
        block("output", "function_app_name", value=Ref("azurerm_linux_function_app.app.name"),
              description="Function App (reachable through its private endpoint only)."),
    ]
