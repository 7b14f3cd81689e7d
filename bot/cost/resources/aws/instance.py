"""aws_instance: instance hours (OS, tenancy, reserved), EBS-optimized, monitoring, CPU credits, EBS devices."""

from __future__ import annotations

from typing import Any

from bot.cost.expr import Unknown
from bot.cost.model import Component, Ctx, Priced, Unsupported
from bot.cost.resources.aws.ebs import block_components

CREDIT_FAMILIES = ("t2", "t3", "t3a", "t4g")
UNLIMITED_BY_DEFAULT = ("t3", "t3a", "t4g")


def launch_template(ctx: Ctx) -> dict[str, Any]:
    """The aws_launch_template referenced by id (reference) or by name, flattened to instance attributes."""
    blocks = ctx.blocks("launch_template")
    if not blocks:
        return {}
    lt = blocks[0]
    ref = lt.get("id")
    ref = ref.ref if isinstance(ref, Unknown) else None
    name = lt.get("name")
    tpl = (
        ctx.lookup(
            "aws_launch_template",
            lambda a: (ref and a.get("__address__") == ref) or (isinstance(name, str) and a.get("name") == name),
        )
        or {}
    )
    out: dict[str, Any] = {}
    for key in ("instance_type", "ebs_optimized"):
        if tpl.get(key) is not None:
            out[key] = tpl[key]
    for block, key, attr in (
        ("monitoring", "enabled", "monitoring"),
        ("credit_specification", "cpu_credits", None),
        ("placement", "tenancy", "tenancy"),
    ):
        body = tpl.get(block)
        body = body[0] if isinstance(body, list) and body else body
        if isinstance(body, dict) and body.get(key) is not None:
            if attr:
                out[attr] = body[key]
            else:
                out["credit_specification"] = [{"cpu_credits": body[key]}]
    devices = []
    for m in tpl.get("block_device_mappings") or []:
        ebs = m.get("ebs") or [{}]
        ebs = ebs[0] if isinstance(ebs, list) else ebs
        devices.append({"device_name": m.get("device_name"), **ebs})
    out["ebs_block_device"] = devices
    return out


def price(ctx: Ctx) -> Priced:
    tpl = launch_template(ctx)

    def attr(key: str, default: Any = None) -> Any:  # an HCL attribute value: any type
        val = ctx.get(key)
        return val if val is not None else tpl.get(key, default)

    tenancy = attr("tenancy", "default")
    on_host = ctx.raw("host_id") is not None
    if tenancy == "host" and not on_host:
        raise Unsupported("host tenancy without host_id is not supported")
    priced = Priced(ctx.address)
    itype = attr("instance_type", "")
    u = ctx.usage
    if not on_host:
        os_name = "windows" if (u.text("operating_system") or "linux").startswith("windows") else "linux"
        ri_type = u.text("reserved_instance_type")
        if ri_type:
            term = u.text("reserved_instance_term") or "1_year"
            option = u.text("reserved_instance_payment_option") or "no_upfront"
            key = f"ri.{ri_type}.{term.replace('_year', 'yr')}.{option}.{os_name}.{itype}"
            p = 0.0 if option == "all_upfront" else ctx.price("aws_ec2", key)
            label = "Linux/UNIX" if os_name == "linux" else "Windows"
            priced.components.append(Component(f"Instance usage ({label}, reserved, {itype})", "hours", p, _hours(ctx)))
        else:
            tkey = "dedicated" if tenancy == "dedicated" else "shared"
            label = "Linux/UNIX" if os_name == "linux" else "Windows"
            priced.components.append(
                Component(
                    f"Instance usage ({label}, on-demand, {itype})",
                    "hours",
                    ctx.price("aws_ec2", f"od.{os_name}.{tkey}.{itype}"),
                    _hours(ctx),
                )
            )
        if attr("ebs_optimized") is True:
            p = ctx.catalog.price("aws_ec2", ctx.region, f"ebs_optimized.{itype}")  # optional: absent = none
            if p is not None:
                priced.components.append(Component("EBS-optimized usage", "hours", p, _hours(ctx)))
        if attr("monitoring") is True:
            priced.components.append(
                Component("EC2 detailed monitoring", "metrics", ctx.price("aws_ec2", "detailed_monitoring.metric"), 7)
            )
        family = itype.split(".")[0]
        if family in CREDIT_FAMILIES:
            credits = attr("credit_specification") or [{}]
            credits = credits[0] if isinstance(credits, list) and credits else {}
            mode = credits.get("cpu_credits") if isinstance(credits, dict) else None
            hrs = u.num("monthly_cpu_credit_hrs")
            vcpu = u.num("vcpu_count")
            # Infracost lists credits only for unlimited mode (explicit, or the family default) with usage
            unlimited = mode == "unlimited" or (mode is None and family in UNLIMITED_BY_DEFAULT)
            if unlimited and hrs:
                priced.components.append(
                    Component(
                        "CPU credits", "vCPU-hours", ctx.price("aws_ec2", f"cpu_credits.{family}"), hrs * (vcpu or 2)
                    )
                )
    root = ctx.blocks("root_block_device")
    priced.subresources.append(Priced("root_block_device", block_components(ctx, root[0] if root else {}, u)))
    devices = _merge_devices(ctx.blocks("ebs_block_device"), tpl.get("ebs_block_device") or [])
    for i, dev in enumerate(devices):
        priced.subresources.append(Priced(f"ebs_block_device[{i}]", block_components(ctx, dev, u)))
    return priced


def _hours(ctx: Ctx) -> float:
    hrs = ctx.usage.num("monthly_hrs")
    return 730 if hrs is None else hrs


def _merge_devices(own: list[dict[str, Any]], template: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Instance devices override template devices with the same device_name (attributes merged)."""
    out = []
    by_name = {d.get("device_name"): d for d in template}
    used = set()
    for dev in own:
        base = by_name.get(dev.get("device_name"))
        if base is not None:
            used.add(dev.get("device_name"))
            out.append({**base, **{k: v for k, v in dev.items() if v is not None}})
        else:
            out.append(dev)
    out.extend(d for d in template if d.get("device_name") not in used)
    return out
