"""azurerm_kubernetes_cluster_node_pool."""

from bot.cost.model import Ctx, Priced
from bot.cost.resources.azure.kubernetes_cluster import pool


def price(ctx: Ctx) -> Priced:
    inner = pool(ctx, ctx.address, ctx.attrs, ctx.usage.num("nodes"))
    return inner
