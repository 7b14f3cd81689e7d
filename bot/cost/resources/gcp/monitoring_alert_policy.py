"""google_monitoring_alert_policy: each condition a month at Cloud Monitoring's alerting price (the charge per
million time series a condition's queries return is usage-based and not estimated)."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    conditions = len(ctx.blocks("conditions")) or 1
    return Priced(ctx.address, [Component("Alert policy conditions", "conditions",
                                          ctx.price("google_ops", "monitoring.condition"), conditions)])
