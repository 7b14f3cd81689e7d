"""backend.tf: state in the settings' GCS bucket under `environments/<name>`."""

from __future__ import annotations

from generators.hcl import Block, block
from generators.terraform.context import Context


def build(ctx: Context) -> list[Block]:
    gcs = block("backend", "gcs", bucket=ctx.settings.state_bucket, prefix=f"environments/{ctx.name}")
    return [block("terraform", backend=gcs)]
