"""azurerm_container_app_job (consumption plan): executions are billed for their running replicas at the active
vCPU/GiB-second rates. The running time comes from usage (``monthly_executions`` x ``average_execution_seconds``);
without it the components are listed as usage-based. The monthly free grant is per subscription (not deducted)."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced:
    template = (ctx.blocks("template") or [{}])[0]
    containers = [c for c in (template.get("container") or []) if isinstance(c, dict)] or [{}]
    cpu = sum(num(c.get("cpu"), 0.25) or 0.25 for c in containers)
    mem = sum(num(str(c.get("memory", "0.5Gi")).replace("Gi", ""), 0.5) or 0.5 for c in containers)
    trigger = (ctx.blocks("schedule_trigger_config") or [{}])[0]
    parallel = num(trigger.get("parallelism"), 1) or 1
    executions = ctx.usage.num("monthly_executions")
    duration = ctx.usage.num("average_execution_seconds")
    seconds = None if executions is None or duration is None else executions * duration * parallel
    return Priced(ctx.address, [
        Component("vCPU (active)", "vCPU-seconds", ctx.price("azurerm_app", "aca.active.vcpu_s"),
                  None if seconds is None else seconds * cpu, True),
        Component("Memory (active)", "GiB-seconds", ctx.price("azurerm_app", "aca.active.gib_s"),
                  None if seconds is None else seconds * mem, True),
    ])
