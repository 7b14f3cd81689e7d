"""aws_rds_cluster_instance (Aurora, provisioned): instance hours by engine and class (each Aurora instance is
priced on its own: no Multi-AZ multiplier), and CPU credits of t classes from usage."""

from bot.cost.model import Component, Ctx, Priced

ENGINES = {"aurora": "aurora-mysql", "aurora-mysql": "aurora-mysql", "aurora-postgresql": "aurora-postgresql"}


def price(ctx: Ctx) -> Priced:
    cls = ctx.get("instance_class", "")
    engine = ENGINES.get(ctx.get("engine") or "aurora-mysql", "aurora-mysql")
    comps = [ctx.hourly(f"Database instance (on-demand, {cls})", "aws_rds", f"od.{engine}.single.{cls}")]
    if cls.startswith("db.t") and "monthly_cpu_credit_hrs" in ctx.usage:
        comps.append(Component("CPU credits", "vCPU-hours", ctx.price("aws_rds", "cpu_credits"),
                               (ctx.usage.num("monthly_cpu_credit_hrs") or 0) * 2, True))
    return Priced(ctx.address, comps)
