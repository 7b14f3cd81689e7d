"""google_pubsub_topic: message ingestion data (usage, TiB)."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address,
        [ctx.usage_comp("Message ingestion data", "TiB", "google_misc", "pubsub.tib", "monthly_message_data_tb")],
    )
