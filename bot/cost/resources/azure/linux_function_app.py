"""azurerm_linux_function_app: consumption executions/GB-seconds (usage); dedicated plans are priced on the plan."""

from __future__ import annotations

from bot.cost.expr import Unknown
from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced | None:
    ref = ctx.raw("service_plan_id")
    plan = ctx.lookup("azurerm_service_plan", lambda a: isinstance(ref, Unknown) and a.get("__address__") == ref.ref)
    sku = str((plan or {}).get("sku_name", "Y1"))
    if sku != "Y1":
        return None
    return Priced(
        ctx.address,
        [
            ctx.usage_comp("Execution time", "GB-seconds", "azurerm_app", "func.gb_s", "monthly_execution_gb_seconds"),
            ctx.usage_comp("Executions", "1M requests", "azurerm_app", "func.executions", "monthly_executions", 1e6),
        ],
    )
