"""aws_cloudwatch_log_group."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address,
        [
            ctx.usage_comp("Data ingested", "GB", "aws_cloudwatch", "logs.ingest", "monthly_data_ingested_gb"),
            ctx.usage_comp("Archival Storage", "GB", "aws_cloudwatch", "logs.storage", "storage_gb"),
            ctx.usage_comp(
                "Insights queries data scanned", "GB", "aws_cloudwatch", "logs.insights", "monthly_data_scanned_gb"
            ),
        ],
    )
