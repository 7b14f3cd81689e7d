"""aws_dynamodb_table (on-demand capacity): write and read request units, storage and point-in-time-recovery
backup storage, from usage (``monthly_write_request_units``, ``monthly_read_request_units``, ``storage_gb``,
``pitr_backup_storage_gb``, as Infracost's usage file names them). Provisioned-capacity tables are refused (the
generators emit on-demand tables only)."""

from bot.cost.model import Ctx, Priced, Unsupported


def price(ctx: Ctx) -> Priced:
    if (ctx.get("billing_mode") or "PROVISIONED") != "PAY_PER_REQUEST":
        raise Unsupported("only on-demand (PAY_PER_REQUEST) DynamoDB tables are priced")
    comps = [
        ctx.usage_comp("Write request units", "1M WRUs", "aws_dynamodb", "write_1m", "monthly_write_request_units", 1e6),
        ctx.usage_comp("Read request units", "1M RRUs", "aws_dynamodb", "read_1m", "monthly_read_request_units", 1e6),
        ctx.usage_comp("Data storage", "GB", "aws_dynamodb", "storage", "storage_gb"),
    ]
    if ctx.get("point_in_time_recovery.enabled") is True:
        comps.append(ctx.usage_comp("Point-in-time recovery backups", "GB", "aws_dynamodb", "pitr",
                                    "pitr_backup_storage_gb"))
    return Priced(ctx.address, comps)
