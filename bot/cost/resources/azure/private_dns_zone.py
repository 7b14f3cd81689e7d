"""azurerm_private_dns_zone: one hosted zone a month (Azure DNS "Zone 1" price)."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    zone = ctx.price("azurerm_network", "private_dns.zone")
    return Priced(ctx.address, [Component("Hosted zone", "months", zone, 1.0)])
