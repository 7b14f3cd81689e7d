"""google_logging_project_sink / google_logging_project_bucket_config: logging data (usage
``monthly_logging_data_gb``), as Infracost prices them."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    data = ctx.usage_comp("Logging data", "GB", "google_ops", "logging.gb", "monthly_logging_data_gb")
    return Priced(ctx.address, [data])
