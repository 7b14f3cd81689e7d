"""aws_elasticache_replication_group: cluster mode prices node groups x (1 + replicas per group) nodes, the
counts taken from Application Auto Scaling targets when they scale it (their usage ``capacity``, else their
minimum; the range's top uses their maximum), as Infracost does; otherwise ``num_cache_clusters`` nodes."""

from collections.abc import Callable
from typing import Any

from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.aws.elasticache_cluster import backup_component, node_component

DIMENSIONS = {
    "elasticache:replication-group:NodeGroups": "groups",
    "elasticache:replication-group:Replicas": "replicas",
}


def _scales(dimension: str, resource_id: str) -> Callable[[dict[str, Any]], bool]:
    """Matches the Application Auto Scaling target of `dimension` on `resource_id`."""
    return lambda a: a.get("scalable_dimension") == dimension and a.get("resource_id") == resource_id


def _autoscaled(ctx: Ctx, group_id: str | None) -> dict[str, float]:
    """{"groups"|"replicas": count} from the scaling targets of this replication group."""
    out: dict[str, float] = {}
    if not group_id:
        return out
    for dimension, key in DIMENSIONS.items():
        target = ctx.lookup("aws_appautoscaling_target", _scales(dimension, f"replication-group/{group_id}"))
        if not target:
            continue
        usage = ctx.usage_for(target["__address__"], "aws_appautoscaling_target")
        low = num(target.get("min_capacity"), 0) or 0
        out[key] = usage.num("capacity", ctx.scaled(low, num(target.get("max_capacity"))))
    return out


def price(ctx: Ctx) -> Priced:
    node_type = ctx.get("node_type", "")
    mode = (ctx.blocks("cluster_mode") or [{}])[0]
    groups = num(ctx.get("num_node_groups"), num(mode.get("num_node_groups")))
    replicas = num(ctx.get("replicas_per_node_group"), num(mode.get("replicas_per_node_group"), 0)) or 0
    scaled = _autoscaled(ctx, ctx.get("replication_group_id")) if groups is not None else {}
    if groups is not None:
        groups, replicas = scaled.get("groups", groups), scaled.get("replicas", replicas)
        nodes = groups * (1 + replicas)
    else:
        nodes = num(ctx.get("num_cache_clusters"), num(ctx.get("number_cache_clusters"), 1))
    node = node_component(ctx, node_type, nodes)
    if scaled:
        node.name = node.name[:-1] + ", autoscaling)"
        node.usage_based = True
    return Priced(ctx.address, [node, *backup_component(ctx)])
