"""azurerm_eventhub_namespace: throughput units (``capacity``) of the Basic/Standard tier every hour, and
ingress events (usage ``monthly_ingress_events``)."""

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced:
    sku = str(ctx.get("sku", "Basic")).lower()
    units = num(ctx.get("capacity"), 1) or 1
    events = ctx.usage.num("monthly_ingress_events")
    return Priced(
        ctx.address,
        [
            Component(
                f"Throughput units ({sku.title()})",
                "hours",
                ctx.price("azurerm_app", f"eventhubs.{sku}.tu"),
                730 * units,
            ),
            Component(
                "Ingress",
                "1M events",
                ctx.price("azurerm_app", "eventhubs.ingress_1m"),
                None if events is None else events / 1e6,
                True,
            ),
        ],
    )
