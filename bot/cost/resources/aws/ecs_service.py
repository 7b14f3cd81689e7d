"""aws_ecs_service on Fargate: desired_count x task vCPU/GB (task definition found by reference or family).

The service is on Fargate when its launch type, its capacity provider strategy or (with neither) its
cluster's capacity providers say FARGATE; other services run on EC2 instances, which are priced instead.
A service without a task definition (``deployment_controller EXTERNAL``) is priced through its task sets."""

from __future__ import annotations

from typing import Any

from bot.cost.expr import Unknown
from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.aws.fargate import fargate_components


def _size(value: object, default: float) -> float:
    """Task CPU units ("256", "1 vCPU") or memory MiB ("512", "1 GB") as a number."""
    if isinstance(value, str):
        text = value.lower().replace("vcpu", "").replace("gb", "").strip()
        scale = 1024 if ("vcpu" in value.lower() or "gb" in value.lower()) else 1
        try:
            return float(text) * scale
        except ValueError:
            return default
    return num(value, default)


def _ref(value: object) -> str | None:
    return value.ref if isinstance(value, Unknown) else None


def _names_fargate(strategies: list[dict[str, Any]]) -> bool:
    return any(str(s.get("capacity_provider", "")).startswith("FARGATE") for s in strategies)


def on_fargate(ctx: Ctx, attrs: dict[str, Any]) -> bool:
    """Whether a service (or task set) with these attributes runs on Fargate."""
    launch = attrs.get("launch_type")
    if isinstance(launch, str):
        return launch == "FARGATE"
    strategy = attrs.get("capacity_provider_strategy")
    strategies = strategy if isinstance(strategy, list) else [strategy] if isinstance(strategy, dict) else []
    if strategies:
        return _names_fargate(strategies)
    cluster = attrs.get("cluster")
    ref = _ref(cluster)
    name = cluster if isinstance(cluster, str) else None
    if ref:
        found = ctx.lookup("aws_ecs_cluster", lambda a: a.get("__address__") == ref) or {}
        name = found.get("name") if isinstance(found.get("name"), str) else None
        if _names_fargate([{"capacity_provider": p} for p in found.get("capacity_providers") or []]):
            return True
    if name is None:
        return False
    providers = ctx.lookup("aws_ecs_cluster_capacity_providers", lambda a: a.get("cluster_name") == name) or {}
    names = providers.get("capacity_providers") or []
    return any(str(p).startswith("FARGATE") for p in names)


def task_definition(ctx: Ctx, ref: object) -> dict[str, Any] | None:
    """The task definition an attribute points at (by reference, family[:revision], or its ARN as state has it)."""
    addr = _ref(ref)
    if isinstance(ref, str) and "task-definition/" in ref:
        ref = ref.split("task-definition/", 1)[1]
    family = ref.split(":")[0] if isinstance(ref, str) else None
    if addr is None and family is None:
        return None
    return ctx.lookup(
        "aws_ecs_task_definition",
        lambda a: (
            (addr is not None and a.get("__address__") == addr) or (family is not None and a.get("family") == family)
        ),
    )


def tasks_price(ctx: Ctx, task: dict[str, Any], count: float) -> Priced:
    """Fargate vCPU and GB of ``count`` copies of ``task``."""
    cpu = _size(task.get("cpu"), 256) / 1024
    mem = _size(task.get("memory"), 512) / 1024
    platform = task.get("runtime_platform")
    platform = platform[0] if isinstance(platform, list) and platform else (platform or {})
    arm = isinstance(platform, dict) and str(platform.get("cpu_architecture", "")).upper() == "ARM64"
    return Priced(ctx.address, fargate_components(ctx, "aws_ecs", cpu * count, mem * count, arm))


def desired(ctx: Ctx, attrs: dict[str, Any]) -> float:
    """desired_count, or in the range's "max" scenario the ECS service auto scaling maximum."""
    count = num(attrs.get("desired_count"), 1) or 0
    if ctx.scenario == "max":
        target = ctx.lookup(
            "aws_appautoscaling_target", lambda a: a.get("scalable_dimension") == "ecs:service:DesiredCount"
        )
        count = ctx.scaled(count, num((target or {}).get("max_capacity")))
    return count


def price(ctx: Ctx) -> Priced | None:
    if not on_fargate(ctx, ctx.attrs):
        return None  # EC2 launch type: the instances are priced, not the service
    task = task_definition(ctx, ctx.raw("task_definition"))
    if task is None and ctx.raw("task_definition") is None:
        return None  # external deployments: the task sets carry the tasks
    return tasks_price(ctx, task or {}, desired(ctx, ctx.attrs))
