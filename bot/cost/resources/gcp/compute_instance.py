"""google_compute_instance: machine hours and boot disk."""

from bot.cost.model import Ctx, Priced, num
from bot.cost.resources.gcp.compute import disk_component, machine_component


def price(ctx: Ctx) -> Priced:
    hours = ctx.usage.num("monthly_hrs", 730)
    sched = (ctx.blocks("scheduling") or [{}])[0]
    preemptible = sched.get("preemptible") is True or sched.get("provisioning_model") == "SPOT"
    boot = (ctx.blocks("boot_disk") or [{}])[0]
    params = boot.get("initialize_params") or [{}]
    params = params[0] if isinstance(params, list) and params else {}
    return Priced(
        ctx.address,
        [
            machine_component(ctx, ctx.get("machine_type", ""), hours, preemptible),
            disk_component(ctx, params.get("type"), num(params.get("size"), 10)),
        ],
    )
