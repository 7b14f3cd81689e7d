"""aws_docdb_cluster_instance: instance hours, storage, I/O and (t-class) CPU credits from usage."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    cls = ctx.get("instance_class", "")
    comps = [
        Component(f"Database instance (on-demand, {cls})", "hours", ctx.price("aws_docdb", cls), 730),
        ctx.usage_comp("Storage", "GB", "aws_docdb", "storage", "data_storage_gb"),
        ctx.usage_comp("I/O requests", "1M requests", "aws_docdb", "io", "monthly_io_requests", 1e6),
    ]
    if cls.startswith("db.t"):
        comps.append(ctx.usage_comp("CPU credits", "vCPU-hours", "aws_docdb", "cpu_credits", "monthly_cpu_credit_hrs"))
    return Priced(ctx.address, comps)
