"""azurerm_mysql_flexible_server."""

from bot.cost.model import Ctx, Priced
from bot.cost.resources.azure.flexible_server import flexible_server


def price(ctx: Ctx) -> Priced:
    return flexible_server(ctx, "mysql")
