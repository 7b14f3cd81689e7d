"""azurerm_log_analytics_workspace (PerGB2018): ingestion, export, basic logs and archive, from usage."""

from bot.cost.model import Ctx, Priced

COMPONENTS = [
    ("Log data ingestion", "GB", "law.ingestion", "monthly_log_data_ingestion_gb"),
    ("Log data export", "GB", "law.export", "monthly_log_data_export_gb"),
    ("Basic log data ingestion", "GB", "law.basic_ingestion", "monthly_basic_log_data_ingestion_gb"),
    ("Basic log search queries", "GB searched", "law.basic_search", "monthly_basic_log_search_gb"),
    ("Archive data", "GB", "law.archive", "monthly_archive_data_gb"),
    ("Archive data restored", "GB", "law.restored", "monthly_archive_data_restored_gb"),
    ("Archive data searched", "GB", "law.archive_search", "monthly_archive_data_searched_gb"),
]


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address, [ctx.usage_comp(name, unit, "azurerm_app", key, ukey) for name, unit, key, ukey in COMPONENTS]
    )
