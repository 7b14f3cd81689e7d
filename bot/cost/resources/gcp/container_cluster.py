"""google_container_cluster: management fee, Autopilot usage, default node pool (unless removed)."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num
from bot.cost.resources.gcp.compute import node_pool_components, zone_count


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    if ctx.get("enable_autopilot") is True:

        def comp(name: str, unit: str, key: str, ukey: str) -> Component:
            p = ctx.price("google_compute", key)
            qty = u.num(ukey)
            return Component(name, unit, None if p is None else p * 730, qty, True)

        return Priced(
            ctx.address,
            [
                ctx.hourly("Autopilot", "google_compute", "gke.cluster"),
                comp("Autopilot vCPU", "vCPU", "gke.autopilot.vcpu", "autopilot_vcpu_count"),
                comp("Autopilot memory", "GB", "gke.autopilot.gb", "autopilot_memory_gb"),
                comp("Autopilot ephemeral storage", "GB", "gke.autopilot.storage", "autopilot_ephemeral_storage_gb"),
            ],
        )
    priced = Priced(ctx.address, [ctx.hourly("Cluster management fee", "google_compute", "gke.cluster")])
    if ctx.get("remove_default_node_pool") is not True:
        config = (ctx.blocks("node_config") or [{}])[0]
        per_zone = u.num("nodes", num(ctx.get("initial_node_count"), 3))
        nodes = per_zone * zone_count(ctx, ctx.attrs)
        priced.subresources.append(Priced("default_pool", node_pool_components(ctx, config, nodes)))
    for i, pool in enumerate(ctx.blocks("node_pool")):
        configs = pool.get("node_config") or [{}]
        config = configs[0] if isinstance(configs, list) and configs else {}
        per_zone = num(pool.get("node_count"), num(pool.get("initial_node_count"), 3))
        nodes = per_zone * zone_count(ctx, pool if pool.get("node_locations") else ctx.attrs)
        priced.subresources.append(Priced(f"node_pool[{i}]", node_pool_components(ctx, config, nodes)))
    return priced
