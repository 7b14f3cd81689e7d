"""observability.tf: a Log Analytics workspace (plan retention) that AKS, Container Apps and diagnostics use."""

from __future__ import annotations

from generators.hcl import Block, Ref, block
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.resource_group import LOCATION, RG
from generators.terraform.context import Context

WORKSPACE = Ref("azurerm_log_analytics_workspace.main.id")


def build(ctx: Context) -> list[Block]:
    return [
        block("resource", "azurerm_log_analytics_workspace", "main", name=dashed("log", ctx.name, max_length=63),
              resource_group_name=RG, location=LOCATION, sku="PerGB2018",
              retention_in_days=max(30, ctx.plan.sizing.log_retention_days), tags=tags(ctx)),
        block("output", "log_analytics_workspace_id", value=WORKSPACE, description="Log Analytics workspace."),
    ]
