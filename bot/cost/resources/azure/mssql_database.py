"""azurerm_mssql_database: Azure SQL Database compute, license included. DTU tiers (Basic, S0-S12, P1-P15) are one
hourly price with their storage included; vCore tiers (GP_Gen5_n, BC_Gen5_n) are priced per vCore-hour (General
Purpose costs more when zone redundant; Business Critical is zone redundant at no extra charge) plus data storage."""

from __future__ import annotations

import re

from bot.cost.model import Component, Ctx, Priced, num

VCORE = re.compile(r"^(GP|BC)_Gen5_(\d+)$")


def price(ctx: Ctx) -> Priced:
    sku = str(ctx.get("sku_name") or "GP_Gen5_2")
    vcore = VCORE.match(sku)
    if vcore is None:
        return Priced(ctx.address, [ctx.hourly(f"Compute ({sku}, storage included)", "azurerm_db", f"sqldb.{sku}")])
    tier, cores = vcore[1], float(vcore[2])
    redundant = ctx.get("zone_redundant") is True and tier == "GP"
    suffix = ".zr" if redundant else ""
    label = f"{cores:g} vCores" + (", zone redundant" if redundant else "")
    return Priced(ctx.address, [
        ctx.hourly(f"Compute ({sku}, {label})", "azurerm_db", f"sqldb.{tier}_Gen5.vcore{suffix}", cores),
        Component(f"Data storage ({tier})", "GB", ctx.price("azurerm_db", f"sqldb.{tier}.storage{suffix}"),
                  num(ctx.get("max_size_gb"), 32)),
    ])
