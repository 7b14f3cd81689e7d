"""google_cloudfunctions2_function: 2nd-gen functions run on Cloud Run and are billed at its request-based
rates: CPU and memory allocated while serving requests, and requests (all from usage: ``monthly_requests``,
``average_request_duration_ms``), plus idle minimum instances (``min_instance_count``)."""

from bot.cost.model import Component, Ctx, Priced, num
from bot.cost.resources.gcp.cloud_run_v2_service import TIER2_REGIONS, _mem_gib, busy_maximum, idle_minimum

# Cloud Functions (2nd gen) default CPU for a memory size (GiB -> vCPU), from its memory/CPU table.
DEFAULT_CPU = [(0.5, 0.333), (1.0, 0.583), (2.0, 1.0), (4.0, 2.0), (8.0, 2.0), (16.0, 4.0), (32.0, 8.0)]


def price(ctx: Ctx) -> Priced:
    cfg = (ctx.blocks("service_config") or [{}])[0]
    mem = _mem_gib(cfg.get("available_memory") or "256M")
    cpu = num(cfg.get("available_cpu")) or next((c for m, c in DEFAULT_CPU if mem <= m + 1e-9), 8.0)
    u = ctx.usage
    requests, duration = u.num("monthly_requests"), u.num("average_request_duration_ms")
    seconds = None if requests is None or duration is None else requests * duration / 1000
    tier = "tier 2" if ctx.region in TIER2_REGIONS else "tier 1"
    comps = [
        Component(
            f"CPU allocation time ({tier})",
            "vCPU-seconds",
            ctx.price("google_misc", "run.request.vcpu_s"),
            None if seconds is None else seconds * cpu,
            True,
        ),
        Component(
            f"Memory allocation time ({tier})",
            "GiB-seconds",
            ctx.price("google_misc", "run.request.gib_s"),
            None if seconds is None else seconds * mem,
            True,
        ),
        Component("Number of requests", "requests", ctx.price("google_misc", "run.request"), requests, True),
    ]
    comps += idle_minimum(ctx, num(cfg.get("min_instance_count"), 0) or 0, cpu, mem)
    comps += busy_maximum(ctx, num(cfg.get("max_instance_count"), 100) or 0, cpu, mem)
    return Priced(ctx.address, comps)
