"""backend.tf: state in the settings' Azure storage account, container `tfstate`, one key per environment."""

from __future__ import annotations

from generators.hcl import Block, block
from generators.terraform.context import Context


def build(ctx: Context) -> list[Block]:
    settings = ctx.settings
    azurerm = block("backend", "azurerm", resource_group_name=settings.azure_state_resource_group,
                    storage_account_name=settings.azure_state_storage_account, container_name="tfstate",
                    key=f"environments/{ctx.name}.tfstate", use_azuread_auth=True)
    return [block("terraform", backend=azurerm)]
