"""azurerm_servicebus_namespace: Basic operations, Standard base charge + operations, Premium messaging units."""

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced:
    sku = ctx.get("sku", "Basic")
    u = ctx.usage
    if sku == "Premium":
        units = num(ctx.get("capacity"), 1) or 1
        p = ctx.price("azurerm_app", "sb.premium.unit")
        return Priced(ctx.address, [Component("Messaging units", "units", None if p is None else p * 730, units)])
    if sku == "Standard":
        ops = u.num("monthly_messaging_operations")
        billable = None if ops is None else max(ops - 13e6, 0) / 1e6
        return Priced(ctx.address, [
            ctx.hourly("Base charge", "azurerm_app", "sb.standard.base"),
            Component("Messaging operations (13M-100M)", "1M operations", ctx.price("azurerm_app", "sb.standard.ops"),
                      None if billable is None else min(billable, 87), True),
            ctx.usage_comp("Brokered connections (1K-100K)", "connections", "azurerm_app", "sb.standard.conn",
                           "monthly_brokered_connections"),
        ])
    return Priced(ctx.address, [ctx.usage_comp("Messaging operations", "1M operations", "azurerm_app", "sb.basic.ops",
                                               "monthly_messaging_operations", 1e6)])
