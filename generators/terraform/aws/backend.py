"""backend.tf: remote state in S3 with DynamoDB locking; bucket, table and region come from Settings."""

from __future__ import annotations

from generators.hcl import Block, block
from generators.terraform import Context


def state_key(ctx: Context) -> str:
    """The object key of this environment's state."""
    return f"environments/{ctx.name}/terraform.tfstate"


def build(ctx: Context) -> list[Block]:
    settings = ctx.settings
    return [block("terraform", backend=block(
        "backend", "s3", bucket=settings.state_bucket, key=state_key(ctx), region=settings.state_region,
        dynamodb_table=settings.state_lock_table, encrypt=True))]
