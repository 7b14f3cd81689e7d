"""aws_ec2_host (dedicated host)."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    family = str(ctx.get("instance_family") or ctx.get("instance_type", "")).split(".")[0]
    return Priced(ctx.address, [ctx.hourly(f"EC2 Dedicated Host (on-demand, {family})", "aws_ec2", f"host.{family}")])
