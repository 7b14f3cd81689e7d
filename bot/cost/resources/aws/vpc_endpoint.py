"""aws_vpc_endpoint: Interface endpoints cost per subnet (AZ) hour plus data; Gateway endpoints are free."""

from __future__ import annotations

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced | None:
    kind = ctx.get("vpc_endpoint_type", "Gateway")
    if kind == "Gateway":
        return None
    subnets = ctx.raw("subnet_ids")
    count = max(len(subnets), 1) if isinstance(subnets, list) else 1
    key = "gwlb_endpoint" if kind == "GatewayLoadBalancer" else "endpoint"
    return Priced(ctx.address, [
        ctx.hourly(f"Endpoint ({kind})", "aws_vpc", f"{key}.hour", qty=count),
        ctx.usage_comp("Data processed", "GB", "aws_vpc", f"{key}.gb", "monthly_data_processed_gb"),
    ])
