"""The container image variable shared by the compute components (its value: dev-agent.auto.tfvars.json)."""

from __future__ import annotations

from generators.hcl import Block, Ref, block
from generators.terraform.context import Context


def image_variable(ctx: Context) -> Block:
    """`var.image`, without a default: the spec's image or the pinned sample is in the tfvars file."""
    return block("variable", "image", type=Ref("string"),
                 description="Container image the workload runs, pinned by tag or digest (dev-agent.auto.tfvars.json).")
