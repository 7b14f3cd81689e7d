"""azurerm_service_plan: instance hours x worker count (consumption plans are free here)."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced | None:
    sku = str(ctx.get("sku_name", ""))
    if sku in ("Y1", "F1", "FREE", "D1"):
        return None
    os_type = "windows" if str(ctx.get("os_type", "Linux")).lower().startswith("windows") else "linux"
    workers = num(ctx.get("worker_count"), 1)
    return Priced(
        ctx.address,
        [
            Component(
                f"Instance usage ({sku})", "hours", ctx.price("azurerm_app", f"plan.{os_type}.{sku}"), 730 * workers
            )
        ],
    )
