"""Azure Database flexible servers (PostgreSQL and MySQL): compute, storage, backup."""

from bot.cost.model import Component, Ctx, Priced, num


def flexible_server(ctx: Ctx, engine: str) -> Priced:
    sku = ctx.get("sku_name", "")
    ha = ctx.blocks("high_availability")
    nodes = 2 if ha and ha[0].get("mode") in ("ZoneRedundant", "SameZone") else 1
    storage_gb = (
        num(ctx.get("storage_mb"), 32768) / 1024
        if engine == "pg"
        else num((ctx.blocks("storage") or [{}])[0].get("size_gb"), 20)
    )
    return Priced(
        ctx.address,
        [
            Component(f"Compute ({sku})", "hours", ctx.price("azurerm_db", f"{engine}.{sku}"), 730 * nodes),
            Component("Storage", "GB", ctx.price("azurerm_db", f"{engine}.storage"), storage_gb * nodes),
            ctx.usage_comp("Additional backup storage", "GB", "azurerm_db", "backup", "additional_backup_storage_gb"),
        ],
    )
