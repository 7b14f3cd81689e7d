"""azurerm_cosmosdb_mongo_database: provisioned throughput (``throughput``, or autoscale's max / 10 as the
floor it bills at least). In a serverless account the account prices requests; in a provisioned account a
database without shared throughput still needs 400 RU/s per collection, so one collection's minimum is
shown (usage ``provisioned_throughput_rus`` overrides)."""

from bot.cost.model import Component, Ctx, Priced, num

MIN_COLLECTION_RUS = 400.0


def price(ctx: Ctx) -> Priced | None:
    name = ctx.get("account_name")
    account = ctx.lookup("azurerm_cosmosdb_account", lambda a: isinstance(name, str) and a.get("name") == name)
    if account is None:
        account = ctx.lookup("azurerm_cosmosdb_account", lambda a: True) or {}
    caps = account.get("capabilities") or []
    caps = caps if isinstance(caps, list) else [caps]
    if any(isinstance(c, dict) and c.get("name") == "EnableServerless" for c in caps):
        return None
    rus = ctx.usage.num("provisioned_throughput_rus")
    label = "Provisioned throughput"
    if rus is None:
        auto = (ctx.blocks("autoscale_settings") or [{}])[0]
        throughput, autoscale_max = num(ctx.get("throughput")), num(auto.get("max_throughput"))
        if throughput is not None:
            rus = throughput
        elif autoscale_max is not None:
            rus, label = autoscale_max / 10, "Provisioned throughput (autoscale minimum)"
        else:
            rus, label = MIN_COLLECTION_RUS, "Provisioned throughput (one collection's minimum)"
    p = ctx.price("azurerm_db", "cosmos.ru_100")
    return Priced(ctx.address, [Component(label, "RU/s x 100", None if p is None else p * 730, rus / 100)])
