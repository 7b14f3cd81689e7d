"""google_container_node_pool: nodes per zone x zones of the pool's (or cluster's) location."""

from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.gcp.compute import node_pool_components, zone_count


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    config = (ctx.blocks("node_config") or [{}])[0]
    autoscaling = (ctx.blocks("autoscaling") or [{}])[0]
    per_zone = u.num("nodes") if "nodes" in u else num(ctx.get("node_count"),
                                                        num(ctx.get("initial_node_count"),
                                                            num(autoscaling.get("min_node_count"), 1)))
    return Priced(ctx.address, node_pool_components(ctx, config, per_zone * zone_count(ctx, ctx.attrs)))
