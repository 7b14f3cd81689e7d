"""google_redis_instance: GB-hours at the capacity tier's price (M1..M5)."""

from bot.cost.model import Component, Ctx, Priced, num


def _tier(gb: float) -> str:
    for limit, name in ((4, "M1"), (10, "M2"), (35, "M3"), (100, "M4")):
        if gb <= limit:
            return name
    return "M5"


def price(ctx: Ctx) -> Priced:
    gb = num(ctx.get("memory_size_gb"), 1)
    tier = "standard" if ctx.get("tier") == "STANDARD_HA" else "basic"
    m = _tier(gb)
    return Priced(
        ctx.address,
        [Component(f"Redis instance ({tier}, {m})", "GB-hours", ctx.price("google_redis", f"{tier}.{m}"), gb * 730)],
    )
