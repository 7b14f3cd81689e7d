"""azurerm_mssql_server_security_alert_policy: threat detection on a SQL server is Microsoft Defender for Azure SQL,
billed per protected server a month."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    enabled = ctx.get("state", "Enabled") == "Enabled"
    return Priced(ctx.address, [Component("Microsoft Defender for Azure SQL (per server)", "months",
                                          ctx.price("azurerm_db", "sqldb.defender.server"), 1 if enabled else 0)])
