"""google_compute_global_forwarding_rule: an external Application Load Balancer's forwarding rule by the hour (the
first five rules of a project share one hourly price) and the data it processes (usage ``monthly_data_processed_gb``)."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(ctx.address, [
        ctx.hourly("Forwarding rule", "google_ops", "lb.forwarding_rule"),
        ctx.usage_comp("Data processed", "GB", "google_ops", "lb.data_gb", "monthly_data_processed_gb"),
    ])
