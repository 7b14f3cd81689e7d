"""dynamodb.tf: the requested DynamoDB tables.

Each table: on-demand capacity (no capacity to size or autoscale), server-side encryption with the environment
key, point-in-time recovery (35 days of restore points), deletion protection in prod. The app's role may read and
write exactly these tables and their indexes (access.tf); the app finds each table's name in `TABLE_<NAME>`
(connection.tf).
"""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import Table
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import KMS_ARN, NAME, protected
from generators.terraform.context import Context
from generators.terraform.names import identifier


def applies(plan: Plan) -> bool:
    return bool(plan.spec.tables)


def labels(plan: Plan) -> list[tuple[str, Table]]:
    """(Terraform label, table) of each requested table."""
    return [(identifier(table.name), table) for table in plan.spec.tables]


def _table(ctx: Context, label: str, table: Table) -> list[Block]:
    keys = [table.partition_key] + ([table.sort_key] if table.sort_key else [])
    return [
        block("resource", "aws_dynamodb_table", label, name=Call("format", "%s-" + table.name, NAME),
              billing_mode="PAY_PER_REQUEST", hash_key=table.partition_key,
              **({"range_key": table.sort_key} if table.sort_key else {}),
              attribute=[block("attribute", name=key, type="S") for key in keys],
              server_side_encryption=block("server_side_encryption", enabled=True, kms_key_arn=KMS_ARN),
              point_in_time_recovery=block("point_in_time_recovery", enabled=True),
              deletion_protection_enabled=protected(ctx.plan)),
        block("output", f"table_{label}", value=Ref(f"aws_dynamodb_table.{label}.name"),
              description=f"DynamoDB table {table.name}."),
    ]


def build(ctx: Context) -> list[Block]:
    return [b for label, table in labels(ctx.plan) for b in _table(ctx, label, table)]
