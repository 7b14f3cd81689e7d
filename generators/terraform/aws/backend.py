"""backend.tf: remote state in S3, locked with S3 lock files (`use_lockfile`), encrypted with the state KMS key.

Bucket, region and key come from Settings (`dev-agent bootstrap --cloud aws` creates them and prints the values).
"""

from __future__ import annotations

from generators.hcl import Block, block
from generators.terraform.context import Context


def state_key(ctx: Context) -> str:
    """The object key of this environment's state."""
    return f"environments/{ctx.name}/terraform.tfstate"


def build(ctx: Context) -> list[Block]:
    settings = ctx.settings
    kms = {"kms_key_id": settings.state_kms_key_id} if settings.state_kms_key_id else {}
    return [block("terraform", backend=block(
        "backend", "s3", bucket=settings.state_bucket, key=state_key(ctx), region=settings.state_region,
        use_lockfile=True, encrypt=True, **kms))]
