"""azurerm_cdn_frontdoor_profile: Azure Front Door Standard/Premium's base fee a month, the requests it serves
(usage ``monthly_requests``) and its data transfer from the edge to clients (usage ``monthly_outbound_data_gb``,
priced at the North America / Europe zone). Premium includes the WAF's managed and custom rules."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    tier = "premium" if ctx.get("sku_name") == "Premium_AzureFrontDoor" else "standard"
    return Priced(ctx.address, [
        Component(f"Base fee ({tier})", "months", ctx.price("azurerm_network", f"frontdoor.{tier}.base"), 1.0),
        ctx.usage_comp("Requests", "10k requests", "azurerm_network", f"frontdoor.{tier}.requests_10k",
                       "monthly_requests", scale=1e4),
        ctx.usage_comp("Data transfer to clients", "GB", "azurerm_network", "frontdoor.data_out_gb",
                       "monthly_outbound_data_gb"),
    ])
