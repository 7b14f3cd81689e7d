"""azurerm_kubernetes_cluster: Uptime SLA (Standard tier) and the default node pool."""

from __future__ import annotations

from typing import Any

from bot.cost.model import Component, Ctx, Priced, num
from bot.cost.resources.azure.disks import os_disk


def pool(ctx: Ctx, name: str, body: dict[str, Any], usage_nodes: float | None) -> Priced:
    size = body.get("vm_size", "Standard_D2_v2")
    nodes = (
        usage_nodes
        if usage_nodes is not None
        else ctx.scaled(num(body.get("node_count"), num(body.get("min_count"), 1)), num(body.get("max_count")))
    )
    priced = Priced(
        name,
        [
            Component(
                f"Instance usage (pay as you go, {size})",
                "hours",
                ctx.price("azurerm_compute", f"vm.{str(size).lower()}"),
                730 * nodes,
            )
        ],
    )
    if body.get("os_disk_type", "Managed") != "Ephemeral":
        disk_gb = num(body.get("os_disk_size_gb"), 128)
        # AKS OS disks are priced as premium managed disks, as Infracost does
        priced.subresources.append(os_disk(ctx, "Premium_LRS", disk_gb, nodes, lrs_label=False, with_ops=False))
    return priced


def price(ctx: Ctx) -> Priced:
    priced = Priced(ctx.address)
    if str(ctx.get("sku_tier", "Free")) in ("Standard", "Paid", "Premium"):
        priced.components.append(ctx.hourly("Uptime SLA", "azurerm_compute", "aks.uptime_sla"))
    body = (ctx.blocks("default_node_pool") or [{}])[0]
    nodes = ctx.usage.num("nodes")
    priced.subresources.append(pool(ctx, "default_node_pool", body, nodes))
    return priced
