"""azurerm_private_dns_a_record: DNS queries (usage ``monthly_queries``), as Infracost prices Azure DNS records."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(ctx.address, [ctx.usage_comp("DNS queries", "1M queries", "azurerm_network", "private_dns.queries_1m",
                                               "monthly_queries", scale=1e6)])
