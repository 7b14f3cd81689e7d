"""aws_ecs_task_set: the tasks of an externally deployed ECS service. Fargate when the task set (or, without a
launch type of its own, its service) says so; the task count is the service's desired_count scaled by the
task set's ``scale`` (percent, 100 by default)."""

from __future__ import annotations

from bot.cost.expr import Unknown
from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.aws.ecs_service import desired, on_fargate, task_definition, tasks_price


def price(ctx: Ctx) -> Priced | None:
    ref = ctx.raw("service")
    addr = ref.ref if isinstance(ref, Unknown) else None
    service = (
        ctx.lookup(
            "aws_ecs_service",
            lambda a: (
                (addr is not None and a.get("__address__") == addr) or (isinstance(ref, str) and a.get("name") == ref)
            ),
        )
        or {}
    )
    own = {k: v for k, v in ctx.attrs.items() if k in ("launch_type", "capacity_provider_strategy", "cluster")}
    attrs = (
        own
        if ("launch_type" in own or "capacity_provider_strategy" in own)
        else {**own, **{k: v for k, v in service.items() if k in ("launch_type", "capacity_provider_strategy")}}
    )
    if not on_fargate(ctx, attrs):
        return None
    scale = (ctx.blocks("scale") or [{}])[0]
    percent = num(scale.get("value"), 100.0) if str(scale.get("unit", "PERCENT")) == "PERCENT" else 100.0
    count = desired(ctx, service) * (percent or 0) / 100
    return tasks_price(ctx, task_definition(ctx, ctx.raw("task_definition")) or {}, count)
