"""google_cloud_scheduler_job: one job a month at Cloud Scheduler's global price."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(ctx.address, [Component("Scheduler job", "months", ctx.price("google_ops", "scheduler.job"), 1.0)])
