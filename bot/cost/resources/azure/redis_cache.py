"""azurerm_redis_cache: node hours (Basic 1 node, Standard 2, Premium 2 per shard)."""

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced:
    sku = str(ctx.get("sku_name", "Basic"))
    family = str(ctx.get("family", "C"))
    capacity = int(num(ctx.get("capacity"), 1))
    name = f"{sku}_{family}{capacity}"
    nodes = {"Basic": 1, "Standard": 2}.get(sku, 2 * max(int(num(ctx.get("shard_count"), 1)), 1))
    if sku == "Premium":
        nodes = max(int(num(ctx.get("shard_count"), 1)), 1) * (1 + int(num(ctx.get("replicas_per_master"), 1)))
    return Priced(
        ctx.address,
        [
            Component(
                f"Cache usage ({name}), {nodes} node", "hours", ctx.price("azurerm_db", f"redis.{name}"), 730 * nodes
            )
        ],
    )
