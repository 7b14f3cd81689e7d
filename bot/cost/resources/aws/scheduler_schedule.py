"""aws_scheduler_schedule: EventBridge Scheduler invocations (usage ``monthly_invocations``). The 14 million
free invocations a month are per account, so they are not deducted here."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address,
        [
            ctx.usage_comp(
                "Invocations",
                "1M invocations",
                "aws_misc",
                "scheduler.invocations_1m",
                "monthly_invocations",
                scale=1e6,
            )
        ],
    )
