"""Azure managed disk tiers (size -> P/E/S tier) shared by VMs and AKS node pools."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced

TIERS = {
    "P": [(4, 1), (8, 2), (16, 3), (32, 4), (64, 6), (128, 10), (256, 15), (512, 20)],
    "E": [(4, 1), (8, 2), (16, 3), (32, 4), (64, 6), (128, 10), (256, 15), (512, 20), (1024, 30)],
    "S": [(32, 4), (64, 6), (128, 10), (256, 15), (512, 20), (1024, 30)],
}


def tier_name(kind: str, size_gb: float) -> str:
    for limit, n in TIERS[kind]:
        if size_gb <= limit:
            return f"{kind}{n}"
    return f"{kind}{TIERS[kind][-1][1]}"


def os_disk(
    ctx: Ctx, account_type: str | None, size_gb: float, count: float = 1, lrs_label: bool = True, with_ops: bool = True
) -> Priced:
    kind = {"Premium_LRS": "P", "Premium_ZRS": "P", "StandardSSD_LRS": "E", "StandardSSD_ZRS": "E"}.get(
        account_type or "", "S"
    )
    tier = tier_name(kind, size_gb)
    label = f"Storage ({tier}, LRS)" if lrs_label else f"Storage ({tier})"
    comps = [Component(label, "months", ctx.price("azurerm_compute", f"disk.{tier}"), count)]
    if with_ops and kind in ("S", "E"):
        comps.append(
            ctx.usage_comp(
                "Disk operations",
                "10k operations",
                "azurerm_compute",
                f"disk.ops.{kind}",
                "monthly_disk_operations",
                10_000,
            )
        )
    return Priced("os_disk", comps)
