"""azurerm_monitor_diagnostic_setting: platform logs sent to a storage account, Event Hub or partner solution
are billed per GB (usage ``monthly_platform_log_gb``); to a Log Analytics workspace they are billed there."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced | None:
    targets = ("storage_account_id", "eventhub_authorization_rule_id", "partner_solution_id")
    if not any(ctx.raw(t) is not None for t in targets):
        return None
    return Priced(
        ctx.address,
        [
            ctx.usage_comp(
                "Platform logs processed", "GB", "azurerm_app", "monitor.platform_logs", "monthly_platform_log_gb"
            )
        ],
    )
