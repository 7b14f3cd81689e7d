"""azurerm_linux_virtual_machine: instance hours and OS disk."""

from bot.cost.model import Component, Ctx, Priced, num
from bot.cost.resources.azure.disks import os_disk


def price(ctx: Ctx) -> Priced:
    size = ctx.get("size", "")
    hours = ctx.usage.num("monthly_hrs") if "monthly_hrs" in ctx.usage else 730
    disk = (ctx.blocks("os_disk") or [{}])[0]
    priced = Priced(
        ctx.address,
        [
            Component(
                f"Instance usage (pay as you go, {size})",
                "hours",
                ctx.price("azurerm_compute", f"vm.{str(size).lower()}"),
                hours,
            )
        ],
    )
    priced.subresources.append(os_disk(ctx, disk.get("storage_account_type"), num(disk.get("disk_size_gb"), 30)))
    return priced
