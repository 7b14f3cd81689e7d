"""aws_sqs_queue: requests (standard or FIFO), in 64 KB chunks as Infracost counts them."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    fifo = ctx.get("fifo_queue") is True
    requests = ctx.usage.num("monthly_requests")
    size_kb = ctx.usage.num("request_size_kb") or 64
    chunks = -(-size_kb // 64)
    qty = None if requests is None else requests * chunks / 1e6
    return Priced(
        ctx.address,
        [
            Component(
                "Requests", "1M requests", ctx.price("aws_misc", "sqs.fifo" if fifo else "sqs.standard"), qty, True
            )
        ],
    )
