"""versions.tf: pinned Terraform and provider versions, the provider with default tags, shared locals."""

from __future__ import annotations

from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.names import dns_label

REQUIRED_VERSION = ">= 1.10"  # S3 state locking with use_lockfile
AWS_PROVIDER = {"source": "hashicorp/aws", "version": "~> 5.100"}


def build(ctx: Context) -> list[Block]:
    return [
        block("terraform", required_version=REQUIRED_VERSION,
              required_providers=block("required_providers", aws=AWS_PROVIDER)),
        block("provider", "aws", region=Ref("var.region"),
              default_tags=block("default_tags", tags=Ref("local.tags"))),
        block("locals", name=dns_label(ctx.name, max_length=40), tags=dict(ctx.tags)),
        block("data", "aws_caller_identity", "current"),
        block("data", "aws_partition", "current"),
        block("variable", "region", type=Ref("string"), default=ctx.spec.region,
              description="AWS region of the environment."),
    ]
