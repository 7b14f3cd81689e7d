"""aws_vpc_endpoint: Interface endpoints cost per subnet (AZ) hour plus data processed in tiers (first 1 PB,
next 4 PB, over 5 PB); Gateway Load Balancer endpoints per hour plus data; Gateway endpoints are free."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced

TIERS = [
    ("first 1PB", 1_000_000, "endpoint.gb"),
    ("next 4PB", 4_000_000, "endpoint.gb.tier2"),
    ("over 5PB", None, "endpoint.gb.tier3"),
]


def _interface_data(ctx: Ctx) -> list[Component]:
    gb = ctx.usage.num("monthly_data_processed_gb")
    if gb is None:
        return [Component("Data processed (first 1PB)", "GB", ctx.price("aws_vpc", "endpoint.gb"), None, True)]
    out: list[Component] = []
    left = gb
    for name, size, key in TIERS:
        qty = left if size is None else min(left, size)
        if qty > 0 or not out:
            out.append(Component(f"Data processed ({name})", "GB", ctx.price("aws_vpc", key), qty, True))
        left -= qty
        if left <= 0:
            break
    return out


def price(ctx: Ctx) -> Priced | None:
    kind = ctx.get("vpc_endpoint_type", "Gateway")
    if str(kind).lower() == "gateway":
        return None
    subnets = ctx.raw("subnet_ids")
    count = max(len(subnets), 1) if isinstance(subnets, list) else 1
    if str(kind).lower() == "gatewayloadbalancer":
        return Priced(
            ctx.address,
            [
                ctx.hourly("Endpoint (GatewayLoadBalancer)", "aws_vpc", "gwlb_endpoint.hour", qty=count),
                ctx.usage_comp("Data processed", "GB", "aws_vpc", "gwlb_endpoint.gb", "monthly_data_processed_gb"),
            ],
        )
    return Priced(
        ctx.address, [ctx.hourly(f"Endpoint ({kind})", "aws_vpc", "endpoint.hour", qty=count), *_interface_data(ctx)]
    )
