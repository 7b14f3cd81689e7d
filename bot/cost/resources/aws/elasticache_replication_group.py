"""aws_elasticache_replication_group: node groups x (1 + replicas) nodes."""

from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.aws.elasticache_cluster import backup_component, node_component


def price(ctx: Ctx) -> Priced:
    node_type = ctx.get("node_type", "")
    if ctx.get("num_node_groups") is not None:
        nodes = num(ctx.get("num_node_groups"), 1) * (1 + num(ctx.get("replicas_per_node_group"), 0))
    else:
        nodes = num(ctx.get("num_cache_clusters"), num(ctx.get("number_cache_clusters"), 1))
    return Priced(ctx.address, [node_component(ctx, node_type, nodes)] + backup_component(ctx))
