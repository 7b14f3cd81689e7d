"""Google Compute Engine pieces shared by instances, GKE node pools and clusters."""

from __future__ import annotations

from typing import Any

from bot.cost.model import Component, Ctx, num

DISK_NAMES = {
    "pd-standard": "Standard provisioned storage (pd-standard)",
    "pd-ssd": "SSD provisioned storage (pd-ssd)",
    "pd-balanced": "Balanced provisioned storage (pd-balanced)",
}
# sustained-use discount at a full month, as Infracost applies it (N1 30%, N2/N2D 20%; E2 has none)
SUD = {"n1": 0.7, "n2": 0.8, "n2d": 0.8, "f1": 0.7, "g1": 0.7}


def machine_component(ctx: Ctx, machine: str, hours: float, preemptible: bool = False) -> Component:
    family = machine.split("-")[0]
    p = ctx.price("google_compute", f"od.{machine}")
    if p is not None and hours >= 730:
        p *= SUD.get(family, 1.0)
    purchase = "preemptible" if preemptible else "on-demand"
    if preemptible and p is not None:
        p *= 0.3  # Spot/preemptible list prices are roughly 70% below on-demand; priced as such
    return Component(f"Instance usage (Linux/UNIX, {purchase}, {machine})", "hours", p, hours)


def disk_component(ctx: Ctx, disk_type: str | None, size_gb: float) -> Component:
    dtype = disk_type if disk_type in DISK_NAMES else "pd-standard"
    return Component(DISK_NAMES[dtype], "GB", ctx.price("google_compute", f"disk.{dtype}"), size_gb)


def node_pool_components(ctx: Ctx, config: dict[str, Any], nodes: float) -> list[Component]:
    machine = config.get("machine_type") or "e2-medium"
    preemptible = config.get("preemptible") is True or config.get("spot") is True
    size = num(config.get("disk_size_gb"), 100)
    return [
        machine_component(ctx, machine, 730 * nodes, preemptible),
        disk_component(ctx, config.get("disk_type"), size * nodes),
    ]


def zone_count(ctx: Ctx, attrs: dict[str, Any]) -> int:
    """Zones a GKE pool spans: node_locations, else 3 for a regional location, 1 for a zone."""
    locs = attrs.get("node_locations")
    if isinstance(locs, list) and locs:
        return len(locs)
    location = attrs.get("location") if isinstance(attrs.get("location"), str) else ctx.get("location")
    location = str(location or ctx.region)
    return 1 if location.count("-") >= 2 else 3
