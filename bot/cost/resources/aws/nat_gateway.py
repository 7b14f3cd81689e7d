"""aws_nat_gateway."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address,
        [
            ctx.hourly("NAT gateway", "aws_vpc", "nat.hour"),
            ctx.usage_comp("Data processed", "GB", "aws_vpc", "nat.gb", "monthly_data_processed_gb"),
        ],
    )
