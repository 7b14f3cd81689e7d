"""google_cloud_run_v2_worker_pool: always-running instances (``scaling.manual_instance_count``, default 1), billed for
their whole lifetime at Cloud Run's instance-based CPU and memory rates."""

from __future__ import annotations

from bot.cost.model import HOURS_PER_MONTH, Component, Ctx, Priced, num
from bot.cost.resources.gcp.cloud_run_v2_service import _cpu, _first, _mem_gib


def price(ctx: Ctx) -> Priced:
    template = _first(ctx.attrs.get("template"))
    limits = _first(_first(template.get("containers")).get("resources")).get("limits")
    limits = limits if isinstance(limits, dict) else {}
    cpu, mem = _cpu(limits.get("cpu")), _mem_gib(limits.get("memory"))
    instances = num(_first(ctx.attrs.get("scaling")).get("manual_instance_count"), 1) or 0
    hours = ctx.usage.num("monthly_hrs")
    hours = HOURS_PER_MONTH if hours is None else hours
    seconds = instances * hours * 3600
    return Priced(ctx.address, [
        Component("CPU allocation time (always on)", "vCPU-seconds", ctx.price("google_misc", "run.instance.vcpu_s"),
                  seconds * cpu),
        Component("Memory allocation time (always on)", "GiB-seconds", ctx.price("google_misc", "run.instance.gib_s"),
                  seconds * mem),
    ])
