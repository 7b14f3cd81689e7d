"""azurerm_storage_account (blob, hot tier): capacity and operations from usage."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    repl = str(ctx.get("account_replication_type", "LRS")).lower()
    repl = repl if repl in ("lrs", "grs", "zrs") else "grs"
    return Priced(
        ctx.address,
        [
            ctx.usage_comp("Capacity", "GB", "azurerm_app", f"storage.hot.{repl}", "storage_gb"),
            ctx.usage_comp(
                "Write operations", "10k operations", "azurerm_app", "storage.write", "monthly_write_operations", 10_000
            ),
            ctx.usage_comp(
                "Read operations", "10k operations", "azurerm_app", "storage.read", "monthly_read_operations", 10_000
            ),
            ctx.usage_comp(
                "All other operations",
                "10k operations",
                "azurerm_app",
                "storage.other",
                "monthly_other_operations",
                10_000,
            ),
        ],
    )
