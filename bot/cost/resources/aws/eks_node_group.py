"""aws_eks_node_group: desired_size x instance hours, disk (or launch template devices), CPU credits."""

from __future__ import annotations

from bot.cost.expr import Unknown
from bot.cost.model import Component, Ctx, Priced, num
from bot.cost.resources.aws.ebs import block_components


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    scaling = (ctx.blocks("scaling_config") or [{}])[0]
    nodes = u.num(
        "instances",
        ctx.scaled(num(scaling.get("desired_size"), num(scaling.get("min_size"), 1)), num(scaling.get("max_size"))),
    )
    types = ctx.get("instance_types")
    itype = types[0] if isinstance(types, list) and types and isinstance(types[0], str) else "t3.medium"
    capacity = ctx.get("capacity_type", "ON_DEMAND")
    ami = str(ctx.get("ami_type", ""))
    windows = "WINDOWS" in ami.upper() or (u.text("operating_system") or "").lower() == "windows"
    os_name, label = ("windows", "Windows") if windows else ("linux", "Linux/UNIX")
    hours = 730 * nodes
    lt_ref = (ctx.blocks("launch_template") or [{}])[0]
    template = None
    if lt_ref:
        ref = lt_ref.get("id")
        ref = ref.ref if isinstance(ref, Unknown) else None
        name = lt_ref.get("name")
        template = ctx.lookup(
            "aws_launch_template",
            lambda a: (ref and a.get("__address__") == ref) or (isinstance(name, str) and a.get("name") == name),
        )
    priced = Priced(ctx.address)
    target = priced
    if template:
        target = Priced(template["__address__"])
        priced.subresources.append(target)
        if isinstance(template.get("instance_type"), str):
            itype = template["instance_type"]
    purchase = "spot" if capacity == "SPOT" else "on-demand"
    ri_type = u.text("reserved_instance_type")
    if ri_type:
        term = (u.text("reserved_instance_term") or "1_year").replace("_year", "yr")
        option = u.text("reserved_instance_payment_option") or "no_upfront"
        p = 0.0 if option == "all_upfront" else ctx.price("aws_ec2", f"ri.{ri_type}.{term}.{option}.{os_name}.{itype}")
        target.components.append(Component(f"Instance usage ({label}, reserved, {itype})", "hours", p, hours))
    else:
        key = f"{'spot' if purchase == 'spot' else 'od'}.{os_name}.shared.{itype}"
        target.components.append(
            Component(f"Instance usage ({label}, {purchase}, {itype})", "hours", ctx.price("aws_ec2", key), hours)
        )
    if template:
        if template.get("ebs_optimized") is True:
            p = ctx.catalog.price("aws_ec2", ctx.region, f"ebs_optimized.{itype}")  # optional: absent = none
            if p is not None:
                target.components.append(Component("EBS-optimized usage", "hours", p, hours))
        for acc in template.get("elastic_inference_accelerator") or []:
            if isinstance(acc, dict) and isinstance(acc.get("type"), str):
                target.components.append(
                    Component(
                        f"Inference accelerator ({acc['type']})",
                        "hours",
                        ctx.price("aws_ec2", f"eia.{acc['type']}"),
                        hours,
                    )
                )
    family = itype.split(".")[0]
    hrs = u.num("monthly_cpu_credit_hrs")
    if family in ("t2", "t3", "t3a", "t4g") and hrs:
        target.components.append(
            Component(
                "CPU credits",
                "vCPU-hours",
                ctx.price("aws_ec2", f"cpu_credits.{family}"),
                hrs * (u.num("vcpu_count") or 2) * nodes,
            )
        )
    if template:
        for i, m in enumerate(template.get("block_device_mappings") or []):
            ebs = m.get("ebs") or [{}]
            ebs = ebs[0] if isinstance(ebs, list) else ebs
            comps = block_components(ctx, ebs, u)
            for c in comps:
                c.monthly_qty = None if c.monthly_qty is None else c.monthly_qty * nodes
            target.subresources.append(Priced(f"block_device_mapping[{i}]", comps))
    else:
        disk = num(ctx.get("disk_size"), 20)
        target.components.append(
            Component("Storage (general purpose SSD, gp2)", "GB", ctx.price("aws_ebs", "gp2"), disk * nodes)
        )
    return priced
