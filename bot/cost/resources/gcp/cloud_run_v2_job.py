"""google_cloud_run_v2_job: jobs are billed for the CPU and memory of their running tasks at Cloud Run's instance-based
rates (no request fee). The running time comes from usage (``monthly_executions`` x ``average_execution_seconds``),
times ``task_count``; without it the components are listed as usage-based."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num
from bot.cost.resources.gcp.cloud_run_v2_service import _cpu, _first, _mem_gib


def price(ctx: Ctx) -> Priced:
    template = _first(ctx.attrs.get("template"))
    tasks = num(template.get("task_count"), 1) or 1
    container = _first(_first(template.get("template")).get("containers"))
    limits = _first(container.get("resources")).get("limits")
    limits = limits if isinstance(limits, dict) else {}
    cpu, mem = _cpu(limits.get("cpu")), _mem_gib(limits.get("memory"))
    executions = ctx.usage.num("monthly_executions")
    duration = ctx.usage.num("average_execution_seconds")
    seconds = None if executions is None or duration is None else executions * duration * tasks
    return Priced(ctx.address, [
        Component("CPU allocation time (tasks)", "vCPU-seconds", ctx.price("google_misc", "run.instance.vcpu_s"),
                  None if seconds is None else seconds * cpu, True),
        Component("Memory allocation time (tasks)", "GiB-seconds", ctx.price("google_misc", "run.instance.gib_s"),
                  None if seconds is None else seconds * mem, True),
    ])
