"""Fargate vCPU and memory components (Infracost shows them per month for the configured size)."""

from bot.cost.model import HOURS_PER_MONTH, Component, Ctx


def fargate_components(ctx: Ctx, service: str, vcpu: float, gb: float, arm: bool = False) -> list[Component]:
    prefix = "fargate.arm" if arm else "fargate"

    def monthly(key: str) -> float | None:
        p = ctx.price(service, f"{prefix}.{key}")
        return None if p is None else p * HOURS_PER_MONTH

    return [
        Component("Per GB per hour", "GB", monthly("gb"), gb),
        Component("Per vCPU per hour", "CPU", monthly("vcpu"), vcpu),
    ]
