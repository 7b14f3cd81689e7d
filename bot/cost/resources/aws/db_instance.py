"""aws_db_instance: engines, Single/Multi-AZ, reserved, storage (gp2/gp3/io1/magnetic), IOPS, backup,
Performance Insights, CPU credits, extended support."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num

# vCPUs per instance class (for extended support and Performance Insights), from AWS instance class tables.
VCPU = {
    "micro": 2,
    "small": 2,
    "medium": 2,
    "large": 2,
    "xlarge": 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "12xlarge": 48,
    "16xlarge": 64,
    "24xlarge": 96,
}
# engine major versions in RDS extended support (year 1), from the RDS release calendars (2025-06-01)
EXTENDED = {
    "mysql": ("5.7",),
    "aurora": ("5.7",),
    "aurora-mysql": ("5.7",),
    "postgres": ("11", "12"),
    "aurora-postgresql": ("11", "12"),
}
LICENSED = {
    "oracle-se1",
    "oracle-se2",
    "oracle-se2-cdb",
    "sqlserver-ex",
    "sqlserver-web",
    "sqlserver-se",
    "sqlserver-ee",
}
STORAGE_NAMES = {
    "gp2": "Storage (general purpose SSD, gp2)",
    "gp3": "Storage (general purpose SSD, gp3)",
    "io1": "Storage (provisioned IOPS SSD, io1)",
    "standard": "Storage (magnetic)",
}


def _price_engine(engine: str, license_model: str | None) -> str:
    if engine.startswith(("oracle", "sqlserver")):
        if license_model == "bring-your-own-license" or engine not in LICENSED:
            return "byol"
        return engine.replace("-cdb", "")
    if engine == "aurora":
        return "aurora-mysql"
    return engine


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    engine = ctx.get("engine") or "mysql"
    cls = ctx.get("instance_class", "")
    multi = ctx.get("multi_az") is True
    az = "multi" if multi else "single"
    az_label = "Multi-AZ" if multi else "Single-AZ"
    pengine = _price_engine(engine, ctx.get("license_model"))
    comps: list[Component] = []
    term = u.text("reserved_instance_term")
    if term:
        option = u.text("reserved_instance_payment_option") or "no_upfront"
        key = f"ri.{pengine}.{az}.{term.replace('_year', 'yr')}.{option}.{cls}"
        p = 0.0 if option == "all_upfront" else ctx.price("aws_rds", key)
        comps.append(Component(f"Database instance (reserved, {az_label}, {cls})", "hours", p, 730))
    else:
        hrs = u.num("monthly_hrs")
        comps.append(
            Component(
                f"Database instance (on-demand, {az_label}, {cls})",
                "hours",
                ctx.price("aws_rds", f"od.{pengine}.{az}.{cls}"),
                730 if hrs is None else hrs,
            )
        )
    stype = ctx.get("storage_type") or ("io1" if ctx.get("iops") and not ctx.get("storage_type") else "gp2")
    if stype not in STORAGE_NAMES:
        stype = "gp2"
    size = num(ctx.get("allocated_storage"), 20)
    iops = num(ctx.get("iops"))
    if stype == "io1":
        size = max(size, 100)
    comps.append(Component(STORAGE_NAMES[stype], "GB", ctx.price("aws_rds", f"storage.{stype}.{az}"), size))
    if stype == "io1":
        comps.append(
            Component("Provisioned IOPS", "IOPS", ctx.price("aws_rds", f"iops.io1.{az}"), max(iops or 1000, 1000))
        )
    elif stype == "gp3" and iops:
        baseline = 12000 if size >= 400 else 3000
        if iops > baseline:
            comps.append(
                Component(
                    f"Provisioned GP3 IOPS (above {baseline:,})",
                    "IOPS",
                    ctx.price("aws_rds", f"iops.gp3.{az}"),
                    iops - baseline,
                )
            )
    elif stype == "standard":
        comps.append(
            ctx.usage_comp(
                "I/O requests", "1M requests", "aws_rds", "io_requests", "monthly_standard_io_requests", 1_000_000
            )
        )
    retention = num(ctx.get("backup_retention_period"), 0)
    if "additional_backup_storage_gb" in u or retention > 0:
        key = "backup.aurora" if engine.startswith("aurora") else "backup"
        comps.append(ctx.usage_comp("Additional backup storage", "GB", "aws_rds", key, "additional_backup_storage_gb"))
    family = ".".join(cls.split(".")[:2])
    vcpu = VCPU.get(cls.split(".")[-1], 2)
    if ctx.get("performance_insights_enabled") is True and (
        num(ctx.get("performance_insights_retention_period"), 7) > 7
    ):
        comps.append(
            Component(
                f"Performance Insights Long Term Retention ({cls})",
                "vCPU-month",
                ctx.price("aws_rds", f"pi.retention.{family}"),
                vcpu,
            )
        )
        comps.append(
            ctx.usage_comp(
                "Performance Insights API",
                "1000 requests",
                "aws_rds",
                "pi.api",
                "monthly_additional_performance_insights_requests",
                1000,
            )
        )
    if cls.startswith("db.t") and "monthly_cpu_credit_hrs" in u:
        comps.append(
            Component(
                "CPU credits",
                "vCPU-hours",
                ctx.price("aws_rds", "cpu_credits"),
                u.num("monthly_cpu_credit_hrs", 0) * vcpu,
                True,
            )
        )
    version = str(ctx.get("engine_version") or "")
    major = version.split(".")[0] if engine.endswith(("postgres", "postgresql")) else ".".join(version.split(".")[:2])
    if version and major in EXTENDED.get(engine, ()):
        comps.append(
            Component(
                "Extended support (year 1)", "vCPU-hours", ctx.price("aws_rds", "extended_support.year1"), vcpu * 730
            )
        )
    return Priced(ctx.address, comps)
