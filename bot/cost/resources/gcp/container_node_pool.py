"""google_container_node_pool: nodes per zone x zones of the pool's (or its cluster's) location."""

from typing import Any

from bot.cost.expr import Unknown
from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.gcp.compute import node_pool_components, zone_count


def _cluster(ctx: Ctx) -> dict[str, Any]:
    ref = ctx.raw("cluster")
    addr = ref.ref if isinstance(ref, Unknown) else None
    return (
        ctx.lookup(
            "google_container_cluster",
            lambda a: (addr and a.get("__address__") == addr) or (isinstance(ref, str) and a.get("name") == ref),
        )
        or {}
    )


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    config = (ctx.blocks("node_config") or [{}])[0]
    autoscaling = (ctx.blocks("autoscaling") or [{}])[0]
    configured = num(ctx.get("node_count"), num(ctx.get("initial_node_count"), num(autoscaling.get("min_node_count"), 1)))
    per_zone = u.num("nodes", ctx.scaled(configured, num(autoscaling.get("max_node_count"))))
    placement = ctx.attrs
    if not ctx.get("location") and not ctx.get("node_locations"):
        cluster = _cluster(ctx)
        placement = {"location": cluster.get("location"), "node_locations": cluster.get("node_locations")}
    return Priced(ctx.address, node_pool_components(ctx, config, per_zone * zone_count(ctx, placement)))
