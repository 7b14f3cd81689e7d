"""aws_elb (classic load balancer)."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address,
        [
            ctx.hourly("Classic load balancer", "aws_elb", "classic.hour"),
            ctx.usage_comp("Data processed", "GB", "aws_elb", "classic.gb", "monthly_data_processed_gb"),
        ],
    )
