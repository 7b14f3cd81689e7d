"""azurerm_monitor_metric_alert: one monitored metric time series a month per criteria and scoped resource (a
dimension filter on one value keeps it at one series)."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    scopes = ctx.raw("scopes")
    resources = len(scopes) if isinstance(scopes, list) and scopes else 1
    series = (len(ctx.blocks("criteria")) or 1) * resources
    return Priced(ctx.address, [Component("Metric alert time series", "time series",
                                          ctx.price("azurerm_app", "monitor.metric_alert.series"), series)])
