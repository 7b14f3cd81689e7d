"""aws_ebs_volume."""

from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.aws.ebs import volume_components


def price(ctx: Ctx) -> Priced:
    return Priced(
        ctx.address,
        volume_components(
            ctx, ctx.get("type"), num(ctx.get("size")), num(ctx.get("iops")), num(ctx.get("throughput")), ctx.usage
        ),
    )
