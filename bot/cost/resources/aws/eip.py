"""aws_eip: public IPv4 address hours (free while attached to a running instance is no longer true since 2024)."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(ctx.address, [ctx.hourly("IP address (if unused)", "aws_vpc", "eip.hour")])
