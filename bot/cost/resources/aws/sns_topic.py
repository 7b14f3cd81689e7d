"""aws_sns_topic: publishes, in 64 KB chunks (usage ``monthly_requests``, ``request_size_kb``). The first million
publishes a month are free per account, so they are not deducted here."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    requests = ctx.usage.num("monthly_requests")
    chunks = -(-(ctx.usage.num("request_size_kb") or 64) // 64)
    qty = None if requests is None else requests * chunks / 1e6
    return Priced(ctx.address, [Component("Requests", "1M requests", ctx.price("aws_misc", "sns.requests_1m"), qty,
                                          True)])
