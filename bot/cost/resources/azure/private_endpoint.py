"""azurerm_private_endpoint: endpoint hours, inbound and outbound data processed in tiers (usage
``monthly_inbound_data_processed_gb``, ``monthly_outbound_data_processed_gb``), as Infracost prices it."""

from bot.cost.model import Component, Ctx, Priced

TIERS = [
    ("first 1PB", 1_000_000, "private_endpoint.gb"),
    ("next 4PB", 4_000_000, "private_endpoint.gb.tier2"),
    ("over 5PB", None, "private_endpoint.gb.tier3"),
]


def _data(ctx: Ctx, direction: str, usage_key: str) -> list[Component]:
    gb = ctx.usage.num(usage_key)
    if gb is None:
        return [
            Component(
                f"{direction} data processed (first 1PB)",
                "GB",
                ctx.price("azurerm_network", "private_endpoint.gb"),
                None,
                True,
            )
        ]
    out: list[Component] = []
    left = gb
    for name, size, key in TIERS:
        if left <= 0 and out:
            break
        qty = left if size is None else min(left, size)
        p = ctx.price("azurerm_network", key)
        out.append(Component(f"{direction} data processed ({name})", "GB", p, qty, True))
        left -= qty
    return out


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address,
        [
            Component("Private endpoint", "hour", ctx.price("azurerm_network", "private_endpoint.hour"), 730.0),
            *_data(ctx, "Inbound", "monthly_inbound_data_processed_gb"),
            *_data(ctx, "Outbound", "monthly_outbound_data_processed_gb"),
        ],
    )
