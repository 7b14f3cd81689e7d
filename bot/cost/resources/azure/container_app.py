"""azurerm_container_app (consumption plan) as Infracost prices it: active seconds from request usage,
idle seconds of the minimum replicas, requests, less the monthly free grants (listed at $0).

dev-agent's own usage key `active_replicas` (not Infracost's) prices replicas that work all month at the active
rate: a background worker polls its queue, so Azure never bills it as idle. The tier defaults set it (and no
requests) for the generated workers, `azurerm_container_app.worker_*`; the free grant stays with the app."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num

FREE_VCPU_S, FREE_GIB_S, FREE_REQUESTS = 180_000, 360_000, 2_000_000
SECONDS_PER_MONTH = 730 * 3600


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    template = (ctx.blocks("template") or [{}])[0]
    containers = [c for c in (template.get("container") or []) if isinstance(c, dict)] or [{}]
    cpu = sum(num(c.get("cpu"), 0.25) for c in containers)
    mem = sum(num(str(c.get("memory", "0.5Gi")).replace("Gi", ""), 0.5) for c in containers)
    min_replicas = u.num("min_replicas", num(template.get("min_replicas"), 0))
    always = u.num("active_replicas") or 0
    requests = u.num("requests")
    comps: list[Component] = []

    def add(name: str, unit: str, key: str, qty: float | None, usage_based: bool = False) -> None:
        comps.append(Component(name, unit, ctx.price("azurerm_app", key), qty, usage_based))

    if requests is None:
        add("vCPU (active)", "vCPU-seconds", "aca.active.vcpu_s", None, True)
        add("Memory (active)", "GiB-seconds", "aca.active.gib_s", None, True)
    active = (
        0.0
        if requests is None
        else requests * (u.num("execution_time_ms") or 0) / 1000 / (u.num("concurrent_requests") or 1)
    )
    vcpu_s, gib_s = active * cpu, active * mem
    if vcpu_s > FREE_VCPU_S:
        add("vCPU (active)", "vCPU-seconds", "aca.active.vcpu_s", vcpu_s - FREE_VCPU_S, True)
    if gib_s > FREE_GIB_S:
        add("Memory (active)", "GiB-seconds", "aca.active.gib_s", gib_s - FREE_GIB_S, True)
    if always:
        busy = always * SECONDS_PER_MONTH
        add("vCPU (active, always running)", "vCPU-seconds", "aca.active.vcpu_s", busy * cpu)
        add("Memory (active, always running)", "GiB-seconds", "aca.active.gib_s", busy * mem)
    if min_replicas > always:
        idle = (min_replicas - always) * SECONDS_PER_MONTH
        add("vCPU (idle)", "vCPU-seconds", "aca.idle.vcpu_s", idle * cpu)
        add("Memory (idle)", "GiB-seconds", "aca.idle.gib_s", idle * mem)
    max_replicas = num(template.get("max_replicas"), 10)
    if ctx.scenario == "max" and max_replicas > always:  # the top of the range: every replica busy all month
        busy = (max_replicas - always) * SECONDS_PER_MONTH
        add("vCPU (max replicas, active)", "vCPU-seconds", "aca.active.vcpu_s", busy * cpu)
        add("Memory (max replicas, active)", "GiB-seconds", "aca.active.gib_s", busy * mem)
    if requests is None:
        add("Requests", "1M requests", "aca.requests", None, True)
    elif requests > FREE_REQUESTS:
        add("Requests", "1M requests", "aca.requests", (requests - FREE_REQUESTS) / 1e6, True)
    if requests:
        add("vCPU (free)", "vCPU-seconds", "aca.free", min(vcpu_s, FREE_VCPU_S))
        add("Memory (free)", "GiB-seconds", "aca.free", min(gib_s, FREE_GIB_S))
        add("Requests (free)", "1M requests", "aca.free", min(requests, FREE_REQUESTS) / 1e6)
    return Priced(ctx.address, comps)
