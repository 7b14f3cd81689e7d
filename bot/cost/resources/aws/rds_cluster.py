"""aws_rds_cluster (Aurora, provisioned): cluster storage and I/O requests (Aurora Standard), and backup storage
beyond the free amount, from usage (``storage_gb``, ``write_requests_per_sec`` + ``read_requests_per_sec``,
``backup_snapshot_size_gb``, as Infracost's usage file names them) and, with a backtrack window (Aurora MySQL),
its change records (``average_statements_per_hr`` x ``change_records_per_statement``). The instances are aws_rds_cluster_instance."""

from bot.cost.model import HOURS_PER_MONTH, Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    writes, reads = u.num("write_requests_per_sec"), u.num("read_requests_per_sec")
    per_sec = None if writes is None and reads is None else (writes or 0) + (reads or 0)
    io = None if per_sec is None else per_sec * HOURS_PER_MONTH * 3600 / 1e6
    comps = [
        ctx.usage_comp("Storage", "GB", "aws_rds", "aurora.storage", "storage_gb"),
        Component("I/O requests", "1M requests", ctx.price("aws_rds", "aurora.io"), io, True),
        ctx.usage_comp("Backup storage", "GB", "aws_rds", "backup.aurora", "backup_snapshot_size_gb"),
    ]
    if num(ctx.get("backtrack_window"), 0):
        statements, records = u.num("average_statements_per_hr"), u.num("change_records_per_statement")
        changes = None if statements is None else statements * (records or 0.38) * HOURS_PER_MONTH / 1e6
        comps.append(Component("Backtrack change records", "1M change records",
                               ctx.price("aws_rds", "aurora.backtrack"), changes, True))
    return Priced(ctx.address, comps)
