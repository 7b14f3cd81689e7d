"""aws_opensearch_domain: data node hours, EBS storage, dedicated masters."""

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced:
    cluster = (ctx.blocks("cluster_config") or [{}])[0]
    itype = cluster.get("instance_type", "m4.large.search")
    count = num(cluster.get("instance_count"), 1)
    comps = [Component(f"Instance (on-demand, {itype})", "hours", ctx.price("aws_opensearch", itype), 730 * count)]
    ebs = (ctx.blocks("ebs_options") or [{}])[0]
    if ebs.get("ebs_enabled") is not False and ebs:
        vtype = ebs.get("volume_type", "gp2")
        size = num(ebs.get("volume_size"), 10)
        comps.append(
            Component(f"Storage ({vtype})", "GB", ctx.price("aws_opensearch", f"storage.{vtype}"), size * count)
        )
    if cluster.get("dedicated_master_enabled") is True:
        mtype = cluster.get("dedicated_master_type", itype)
        mcount = num(cluster.get("dedicated_master_count"), 3)
        comps.append(
            Component(
                f"Dedicated master (on-demand, {mtype})", "hours", ctx.price("aws_opensearch", mtype), 730 * mcount
            )
        )
    return Priced(ctx.address, comps)
