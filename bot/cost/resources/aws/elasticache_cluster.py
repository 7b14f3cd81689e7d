"""aws_elasticache_cluster (free when it belongs to a replication group)."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num


def node_component(ctx: Ctx, node_type: str, nodes: float) -> Component:
    u = ctx.usage
    term = u.text("reserved_instance_term")
    if term:
        option = u.text("reserved_instance_payment_option") or "no_upfront"
        key = f"ri.{term.replace('_year', 'yr')}.{option}.{node_type}"
        p = 0.0 if option == "all_upfront" else ctx.price("aws_elasticache", key)
        return Component(f"ElastiCache (reserved, {node_type})", "hours", p, 730 * nodes)
    return Component(
        f"ElastiCache (on-demand, {node_type})", "hours", ctx.price("aws_elasticache", f"od.{node_type}"), 730 * nodes
    )


def backup_component(ctx: Ctx) -> list[Component]:
    if (num(ctx.get("snapshot_retention_limit")) or 0) > 0 or "snapshot_storage_size_gb" in ctx.usage:
        return [ctx.usage_comp("Backup storage", "GB", "aws_elasticache", "backup", "snapshot_storage_size_gb")]
    return []


def price(ctx: Ctx) -> Priced | None:
    if ctx.raw("replication_group_id") is not None:
        return None  # priced on the replication group
    node_type = ctx.get("node_type", "")
    nodes = num(ctx.get("num_cache_nodes"), 1)
    engine = ctx.get("engine", "redis")
    comps = [node_component(ctx, node_type, nodes)]
    if engine == "redis":
        comps += backup_component(ctx)
    return Priced(ctx.address, comps)
