"""resource_group.tf: one resource group per environment (destroying the environment removes it whole),
and the workload's user-assigned managed identity."""

from __future__ import annotations

from generators.hcl import Block, Ref, block
from generators.terraform.azure.names import dashed, tags
from generators.terraform.context import Context

RG = Ref("azurerm_resource_group.main.name")
LOCATION = Ref("azurerm_resource_group.main.location")
APP_PRINCIPAL = Ref("azurerm_user_assigned_identity.app.principal_id")
TENANT = Ref("data.azurerm_client_config.current.tenant_id")


def build(ctx: Context) -> list[Block]:
    return [
        block("data", "azurerm_client_config", "current"),
        block("resource", "azurerm_resource_group", "main", name=dashed("rg", ctx.name, max_length=90),
              location=Ref("var.location"), tags=tags(ctx)),
        block("resource", "azurerm_user_assigned_identity", "app", name=dashed("id", ctx.name, max_length=128),
              resource_group_name=RG, location=LOCATION, tags=tags(ctx)),
        block("output", "resource_group", value=RG, description="Resource group of the environment."),
        block("output", "app_identity_client_id", value=Ref("azurerm_user_assigned_identity.app.client_id"),
              description="Client id of the workload's managed identity (use it for Entra ID auth)."),
    ]
