"""google_cloud_run_v2_service: always-allocated minimum instances plus request-driven usage."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num

SECONDS_PER_MONTH = 730 * 3600


def _cpu(value) -> float:
    text = str(value or "1")
    return float(text[:-1]) / 1000 if text.endswith("m") else num(text, 1)


def _mem_gib(value) -> float:
    text = str(value or "512Mi")
    for suffix, scale in (("Gi", 1.0), ("Mi", 1 / 1024), ("G", 1e9 / 2**30), ("M", 1e6 / 2**30)):
        if text.endswith(suffix):
            return num(text[: -len(suffix)], 0.5) * scale
    return num(text, 2**29) / 2**30


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    template = (ctx.blocks("template") or [{}])[0]
    containers = template.get("containers") or [{}]
    container = containers[0] if isinstance(containers, list) and containers else {}
    res = container.get("resources") or [{}]
    res = res[0] if isinstance(res, list) and res else {}
    limits = res.get("limits") if isinstance(res, dict) else None
    limits = limits if isinstance(limits, dict) else {}
    cpu, mem = _cpu(limits.get("cpu")), _mem_gib(limits.get("memory"))
    scaling = template.get("scaling") or [{}]
    scaling = scaling[0] if isinstance(scaling, list) and scaling else {}
    min_instances = num(scaling.get("min_instance_count"), 0)
    seconds = u.num("monthly_instance_seconds")
    if seconds is None and min_instances:
        seconds = min_instances * SECONDS_PER_MONTH
    requests = u.num("monthly_requests")
    return Priced(ctx.address, [
        Component("CPU allocation time", "vCPU-seconds", ctx.price("google_misc", "run.vcpu_s"),
                  None if seconds is None else seconds * cpu, seconds is None or "monthly_instance_seconds" in u),
        Component("Memory allocation time", "GiB-seconds", ctx.price("google_misc", "run.gib_s"),
                  None if seconds is None else seconds * mem, seconds is None or "monthly_instance_seconds" in u),
        Component("Number of requests", "1M requests", ctx.price("google_misc", "run.requests"),
                  None if requests is None else requests / 1e6, True),
    ])
