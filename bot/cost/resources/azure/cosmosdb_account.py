"""azurerm_cosmosdb_account: serverless request units and storage (provisioned throughput is on databases)."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced | None:
    caps = [c.get("name") for c in ctx.blocks("capabilities")]
    if "EnableServerless" in caps:
        return Priced(
            ctx.address,
            [
                ctx.usage_comp(
                    "Request units (serverless)",
                    "1M RU",
                    "azurerm_db",
                    "cosmos.serverless_ru",
                    "monthly_request_units",
                    1e6,
                ),
                ctx.usage_comp("Transactional storage", "GB", "azurerm_db", "cosmos.storage", "storage_gb"),
            ],
        )
    throughput = (
        num(ctx.usage.num("provisioned_throughput_rus"), None) if "provisioned_throughput_rus" in ctx.usage else None
    )
    if throughput is None:
        return None
    p = ctx.price("azurerm_db", "cosmos.ru_100")
    return Priced(
        ctx.address,
        [Component("Provisioned throughput", "RU/s x 100", None if p is None else p * 730, throughput / 100)],
    )
