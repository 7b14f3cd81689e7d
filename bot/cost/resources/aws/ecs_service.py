"""aws_ecs_service on Fargate: desired_count x task vCPU/GB (task definition found by reference or family)."""

from __future__ import annotations

from bot.cost.expr import Unknown
from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.aws.fargate import fargate_components


def _size(value, default: float) -> float:
    """Task CPU units ("256", "1 vCPU") or memory MiB ("512", "1 GB") as a number."""
    if isinstance(value, str):
        text = value.lower().replace("vcpu", "").replace("gb", "").strip()
        scale = 1024 if ("vcpu" in value.lower() or "gb" in value.lower()) else 1
        try:
            return float(text) * scale
        except ValueError:
            return default
    return num(value, default)


def price(ctx: Ctx) -> Priced | None:
    if ctx.get("launch_type", "FARGATE") != "FARGATE" and not ctx.blocks("capacity_provider_strategy"):
        return None  # EC2 launch type: the instances are priced, not the service
    ref = ctx.raw("task_definition")
    ref_addr = ref.ref if isinstance(ref, Unknown) else None
    family = ref if isinstance(ref, str) else None
    task = ctx.lookup("aws_ecs_task_definition", lambda a: (ref_addr and a.get("__address__") == ref_addr)
                      or (family is not None and a.get("family") == family.split(":")[0])) or {}
    count = num(ctx.get("desired_count"), 1)
    cpu = _size(task.get("cpu"), 256) / 1024
    mem = _size(task.get("memory"), 512) / 1024
    platform = task.get("runtime_platform")
    platform = platform[0] if isinstance(platform, list) and platform else (platform or {})
    arm = isinstance(platform, dict) and str(platform.get("cpu_architecture", "")).upper() == "ARM64"
    return Priced(ctx.address, fargate_components(ctx, "aws_ecs", cpu * count, mem * count, arm))
