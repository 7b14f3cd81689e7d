"""google_vpc_access_connector: Serverless VPC Access connectors are billed as their Compute Engine
instances (``min_instances`` of ``machine_type``, e2-micro by default) running all month."""

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced:
    machine = str(ctx.get("machine_type", "e2-micro"))
    count = num(ctx.get("min_instances"), 2)
    return Priced(
        ctx.address,
        [
            Component(
                f"Connector instances ({machine})", "hours", ctx.price("google_compute", f"od.{machine}"), count * 730
            )
        ],
    )
