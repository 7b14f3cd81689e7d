"""aws_lb / aws_alb: hours plus load balancer capacity units (LCU) from usage."""

from bot.cost.model import HOURS_PER_MONTH, Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    kind = ctx.get("load_balancer_type", "application")
    u = ctx.usage
    label, key = {"network": ("Network", "nlb"), "gateway": ("Gateway", "gwlb")}.get(kind, ("Application", "alb"))
    lcu = None
    if any(k in u for k in ("new_connections", "active_connections", "processed_bytes_gb", "rule_evaluations")):
        per_sec = (u.num("new_connections") or 0) / (HOURS_PER_MONTH * 3600)
        active = u.num("active_connections") or 0
        gb_hour = (u.num("processed_bytes_gb") or 0) / HOURS_PER_MONTH
        if key == "alb":
            rules = (u.num("rule_evaluations") or 0) / (HOURS_PER_MONTH * 3600)
            lcu = max(per_sec / 25, active / 3000, gb_hour, rules / 1000)
        else:
            lcu = max(per_sec / 800, active / 100000, gb_hour)
    p = ctx.price("aws_elb", f"{key}.lcu")
    return Priced(
        ctx.address,
        [
            ctx.hourly(f"{label} load balancer", "aws_elb", f"{key}.hour"),
            Component("Load balancer capacity units", "LCU", None if p is None else p * HOURS_PER_MONTH, lcu, True),
        ],
    )
