"""azurerm_container_app (consumption): always-on minimum replicas plus usage-driven active seconds."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num

SECONDS_PER_MONTH = 730 * 3600


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    template = (ctx.blocks("template") or [{}])[0]
    containers = template.get("container") or [{}]
    cpu = sum(num(c.get("cpu"), 0.5) for c in containers if isinstance(c, dict)) or 0.5
    mem = 0.0
    for c in containers:
        text = str(c.get("memory", "1Gi")) if isinstance(c, dict) else "1Gi"
        mem += num(text.replace("Gi", ""), 1)
    replicas = num(template.get("min_replicas"), 0)
    seconds = u.num("monthly_active_seconds")
    if seconds is None and replicas:
        seconds = replicas * SECONDS_PER_MONTH
    requests = u.num("monthly_requests")
    usage_based = seconds is None or "monthly_active_seconds" in u
    return Priced(ctx.address, [
        Component("vCPU (active)", "vCPU-seconds", ctx.price("azurerm_app", "aca.vcpu_s"),
                  None if seconds is None else seconds * cpu, usage_based),
        Component("Memory (active)", "GiB-seconds", ctx.price("azurerm_app", "aca.gib_s"),
                  None if seconds is None else seconds * mem, usage_based),
        Component("Requests", "1M requests", ctx.price("azurerm_app", "aca.requests"),
                  None if requests is None else requests / 1e6, True),
    ])
