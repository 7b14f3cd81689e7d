"""aws_cloudwatch_metric_alarm: one standard-resolution alarm metric a month per alarm (a metric-math alarm pays
for each metric it queries). The account's 10 free alarms are not deducted here."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    queries = ctx.blocks("metric_query")
    metrics = sum(1 for q in queries if q.get("metric")) or 1
    return Priced(ctx.address, [Component("Standard resolution alarm metrics", "alarm metrics",
                                          ctx.price("aws_cloudwatch", "alarm.standard"), metrics)])
