"""google_cloud_run_v2_service: request-based billing (CPU idles between requests) or instance-based
billing (``cpu_idle = false``), as Infracost computes them. Unlike Infracost, request-based services with
``min_instance_count > 0`` also show their minimum instances at the idle rate (they are billed all month)."""

from __future__ import annotations

from typing import Any

from bot.cost.model import Component, Ctx, Priced, num

# Cloud Run pricing tier 2 regions (everything else in the catalog is tier 1)
TIER2_REGIONS = {
    "europe-west3",
    "europe-west2",
    "europe-west6",
    "asia-east2",
    "asia-south1",
    "asia-southeast1",
    "asia-southeast2",
    "australia-southeast1",
    "northamerica-northeast1",
    "southamerica-east1",
    "us-west2",
    "us-west3",
    "us-west4",
}


def _cpu(value: object) -> float:
    text = str(value or "1")
    return float(text[:-1]) / 1000 if text.endswith("m") else num(text, 1)


def _mem_gib(value: object) -> float:
    text = str(value or "512Mi")
    for suffix, scale in (("Gi", 1.0), ("Mi", 1 / 1024), ("G", 1e9 / 2**30), ("M", 1e6 / 2**30)):
        if text.endswith(suffix):
            return num(text[: -len(suffix)], 0.5) * scale
    return num(text, 2**29) / 2**30


def _first(value: object) -> dict[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, dict) else {}


def idle_minimum(ctx: Ctx, count: float, cpu: float, mem: float) -> list[Component]:
    """Request-based billing still charges minimum instances while idle (the idle rate), all month."""
    if count <= 0:
        return []
    seconds = count * 730 * 3600
    return [
        Component(
            "Minimum instances idle CPU", "vCPU-seconds", ctx.price("google_ops", "run.idle.vcpu_s"), seconds * cpu
        ),
        Component(
            "Minimum instances idle memory", "GiB-seconds", ctx.price("google_ops", "run.idle.gib_s"), seconds * mem
        ),
    ]


def busy_maximum(ctx: Ctx, count: float, cpu: float, mem: float) -> list[Component]:
    """The top of the range: ``count`` (maximum) instances serving requests all month."""
    if ctx.scenario != "max" or count <= 0:
        return []
    seconds = count * 730 * 3600
    return [
        Component(
            "CPU allocation time (max instances busy)",
            "vCPU-seconds",
            ctx.price("google_misc", "run.request.vcpu_s"),
            seconds * cpu,
        ),
        Component(
            "Memory allocation time (max instances busy)",
            "GiB-seconds",
            ctx.price("google_misc", "run.request.gib_s"),
            seconds * mem,
        ),
    ]


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    template = _first(ctx.attrs.get("template"))
    container = _first(template.get("containers"))
    res = _first(container.get("resources"))
    raw_limits = res.get("limits")
    limits = raw_limits if isinstance(raw_limits, dict) else {}
    cpu, mem = _cpu(limits.get("cpu")), _mem_gib(limits.get("memory"))
    min_instances = num(_first(template.get("scaling")).get("min_instance_count"), 0)
    tier = "tier 2" if ctx.region in TIER2_REGIONS else "tier 1"
    if res.get("cpu_idle") is False:  # instance-based billing
        hours = u.num("instance_hrs")
        if hours is None and min_instances:
            hours = 730.0  # always-on minimum instances run the whole month
        instances = ctx.scaled(max(min_instances, 1), num(_first(template.get("scaling")).get("max_instance_count")))
        seconds = None if hours is None else hours * 3600 * instances
        return Priced(
            ctx.address,
            [
                Component(
                    f"CPU allocation time ({tier})",
                    "vCPU-seconds",
                    ctx.price("google_misc", "run.instance.vcpu_s"),
                    None if seconds is None else seconds * cpu,
                ),
                Component(
                    f"Memory allocation time ({tier})",
                    "GiB-seconds",
                    ctx.price("google_misc", "run.instance.gib_s"),
                    None if seconds is None else seconds * mem,
                ),
            ],
        )
    requests = u.num("monthly_requests")
    duration = u.num("average_request_duration_ms")
    concurrency = u.num("concurrent_requests_per_instance") or 1
    seconds = None if requests is None or duration is None else requests * duration / 1000 / concurrency
    return Priced(
        ctx.address,
        [
            Component(
                f"CPU allocation time ({tier})",
                "vCPU-seconds",
                ctx.price("google_misc", "run.request.vcpu_s"),
                None if seconds is None else seconds * cpu,
            ),
            Component(
                f"Memory allocation time ({tier})",
                "GiB-seconds",
                ctx.price("google_misc", "run.request.gib_s"),
                None if seconds is None else seconds * mem,
            ),
            Component("Number of requests", "requests", ctx.price("google_misc", "run.request"), requests),
            *idle_minimum(ctx, min_instances, cpu, mem),
            *busy_maximum(ctx, num(_first(template.get("scaling")).get("max_instance_count"), 100) or 0, cpu, mem),
        ],
    )
