"""google_sql_database_instance: vCPU and memory (custom/standard tiers) or shared-core tier, storage, backups, IP;
SQL Server instances add their edition's license per vCPU (Express is free)."""

from __future__ import annotations

import re

from bot.cost.model import Component, Ctx, Priced, num


def _shape(tier: str) -> tuple[float, float] | None:
    m = re.match(r"db-custom-(\d+)-(\d+)$", tier)
    if m:
        return float(m[1]), float(m[2]) / 1024
    m = re.match(r"db-n1-(standard|highmem)-(\d+)$", tier)
    if m:
        vcpu = float(m[2])
        return vcpu, vcpu * (3.75 if m[1] == "standard" else 6.5)
    return None


def price(ctx: Ctx) -> Priced:
    settings = (ctx.blocks("settings") or [{}])[0]
    tier = settings.get("tier", "db-f1-micro")
    avail = "regional" if settings.get("availability_type") == "REGIONAL" else "zonal"
    comps: list[Component] = []
    shape = _shape(tier)
    if shape:
        vcpu, mem = shape
        comps.append(
            Component(f"vCPUs ({vcpu:g}, {avail})", "hours", ctx.price("google_sql", f"vcpu.{avail}"), vcpu * 730)
        )
        p = ctx.price("google_sql", f"memory.{avail}")
        comps.append(Component(f"Memory ({mem:g} GB, {avail})", "GB", None if p is None else p * 730, mem))
        version = str(ctx.get("database_version") or "")
        if version.startswith("SQLSERVER_"):
            edition = version.rsplit("_", 1)[-1].lower()
            comps.append(Component(f"SQL Server {edition} license ({vcpu:g} vCPUs)", "hours",
                                   ctx.price("google_sql", f"sqlserver.license.{edition}"), vcpu * 730))
    else:
        comps.append(ctx.hourly(f"SQL instance ({tier}, {avail})", "google_sql", f"shared.{tier}.{avail}"))
    disk = "hdd" if settings.get("disk_type") == "PD_HDD" else "ssd"
    size = num(settings.get("disk_size"), 10)
    comps.append(
        Component(f"Storage ({disk.upper()}, {avail})", "GB", ctx.price("google_sql", f"storage.{disk}.{avail}"), size)
    )
    comps.append(ctx.usage_comp("Backups", "GB", "google_sql", "backup", "backup_storage_gb"))
    ip = settings.get("ip_configuration") or [{}]
    ip = ip[0] if isinstance(ip, list) and ip else {}
    if ip.get("ipv4_enabled", True) is not False:
        comps.append(ctx.hourly("IP address (if unused)", "google_sql", "ip"))
    return Priced(ctx.address, comps)
