"""google_compute_router_nat: assigned VM hours and data processed (usage)."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    vms = ctx.usage.num("assigned_vms")
    comps = []
    if vms is not None:
        comps.append(
            Component(
                "Assigned VMs (first 32)", "VM-hours", ctx.price("google_compute", "nat.vm"), min(vms, 32) * 730, True
            )
        )
    comps.append(ctx.usage_comp("Data processed", "GB", "google_compute", "nat.gb", "monthly_data_processed_gb"))
    return Priced(ctx.address, comps)
