"""aws_secretsmanager_secret."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address,
        [
            Component("Secret", "months", ctx.price("aws_misc", "secretsmanager.secret"), 1),
            ctx.usage_comp(
                "API requests", "10k requests", "aws_misc", "secretsmanager.api", "monthly_requests", 10_000
            ),
        ],
    )
