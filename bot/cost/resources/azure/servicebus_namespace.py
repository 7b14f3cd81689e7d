"""azurerm_servicebus_namespace: Basic operations; Standard base charge plus tiered operations and
brokered connections (usage); Premium messaging units. Service Bus list prices are the same in the
catalog's regions."""

from __future__ import annotations

from typing import Any

from bot.cost.model import Component, Ctx, Priced, num

OPS_TIERS = [
    ("Messaging operations (13M-100M)", 87, "sb.standard.ops"),
    ("Messaging operations (100M-2,500M)", 2400, "sb.standard.ops.tier2"),
    ("Messaging operations (over 2,500M)", None, "sb.standard.ops.tier3"),
]
CONN_TIERS = [
    ("Brokered connections (1K-100K)", 99_000, "sb.standard.conn"),
    ("Brokered connections (100K-500K)", 400_000, "sb.standard.conn.tier2"),
    ("Brokered connections (over 500K)", None, "sb.standard.conn.tier3"),
]


def _tiered(ctx: Ctx, qty: float | None, tiers: list[Any], unit: str) -> list[Component]:
    if qty is None:
        name, _, key = tiers[0]
        return [Component(name, unit, ctx.price("azurerm_app", key), None, True)]
    out, left = [], qty
    for name, size, key in tiers:
        if left <= 0:
            break
        q = left if size is None else min(left, size)
        out.append(Component(name, unit, ctx.price("azurerm_app", key), q, True))
        left -= q
    return out


def price(ctx: Ctx) -> Priced:
    sku = ctx.get("sku", "Basic")
    u = ctx.usage
    if sku == "Premium":
        units = num(ctx.get("capacity"), 1) or 1
        p = ctx.price("azurerm_app", "sb.premium.unit")
        return Priced(ctx.address, [Component("Messaging units", "units", None if p is None else p * 730, units)])
    ops = u.num("monthly_messaging_operations")
    if sku == "Standard":
        conns = u.num("monthly_brokered_connections")
        billable_ops = None if ops is None else max(ops - 13e6, 0) / 1e6  # first 13M operations included
        billable_conns = None if conns is None else max(conns - 1000, 0)  # first 1K connections included
        return Priced(
            ctx.address,
            [
                ctx.hourly("Base charge", "azurerm_app", "sb.standard.base"),
                *_tiered(ctx, billable_ops, OPS_TIERS, "1M operations"),
                *_tiered(ctx, billable_conns, CONN_TIERS, "connections"),
            ],
        )
    return Priced(
        ctx.address,
        [
            Component(
                "Messaging operations",
                "1M operations",
                ctx.price("azurerm_app", "sb.basic.ops"),
                None if ops is None else ops / 1e6,
                True,
            )
        ],
    )
