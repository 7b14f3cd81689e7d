"""EBS volume components shared by aws_ebs_volume and the block devices of aws_instance."""

from __future__ import annotations

from typing import Any

from bot.cost.model import Component, Ctx, num
from bot.cost.usage import Usage

NAMES = {
    "gp2": "Storage (general purpose SSD, gp2)",
    "gp3": "Storage (general purpose SSD, gp3)",
    "io1": "Storage (provisioned IOPS SSD, io1)",
    "io2": "Storage (provisioned IOPS SSD, io2)",
    "st1": "Storage (throughput optimized HDD, st1)",
    "sc1": "Storage (cold HDD, sc1)",
    "standard": "Storage (magnetic)",
}


def volume_components(
    ctx: Ctx, vtype: str | None, size: float | None, iops: float | None, throughput: float | None, usage: Usage
) -> list[Component]:
    """Storage, IOPS, throughput and I/O components for one volume (defaults as Infracost: gp2, 8 GB)."""
    vtype = vtype if vtype in NAMES else "gp2"
    size = size if size is not None else 8
    out = [Component(NAMES[vtype], "GB", ctx.price("aws_ebs", vtype), size)]
    if vtype in ("io1", "io2"):
        out.append(Component("Provisioned IOPS", "IOPS", ctx.price("aws_ebs", f"{vtype}.iops"), iops or 0))
    elif vtype == "gp3":
        if throughput and throughput > 125:
            out.append(
                Component("Provisioned throughput", "Mbps", ctx.price("aws_ebs", "gp3.throughput"), throughput - 125)
            )
        if iops and iops > 3000:
            out.append(Component("Provisioned IOPS", "IOPS", ctx.price("aws_ebs", "gp3.iops"), iops - 3000))
    elif vtype == "standard":
        qty = usage.num("monthly_standard_io_requests")
        out.append(
            Component(
                "I/O requests",
                "1M request",
                ctx.price("aws_ebs", "standard.io"),
                None if qty is None else qty / 1_000_000,
                True,
            )
        )
    return out


def block_components(ctx: Ctx, block: dict[str, Any], usage: Usage) -> list[Component]:
    """Components for a root_block_device / ebs_block_device block."""
    return volume_components(
        ctx,
        block.get("volume_type"),
        num(block.get("volume_size")),
        num(block.get("iops")),
        num(block.get("throughput")),
        usage,
    )
