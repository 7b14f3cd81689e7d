"""google_compute_security_policy: a Cloud Armor (Standard) policy a month, each of its rules a month (the default
rule included), and the requests it evaluates (usage ``monthly_requests``)."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    rules = len(ctx.blocks("rule")) or 1  # Cloud Armor adds the default rule when none is written
    return Priced(ctx.address, [
        Component("Security policy", "months", ctx.price("google_ops", "armor.policy"), 1.0),
        Component("Rules", "rules", ctx.price("google_ops", "armor.rule"), rules),
        ctx.usage_comp("Requests", "1M requests", "google_ops", "armor.requests_1m", "monthly_requests", scale=1e6),
    ])
