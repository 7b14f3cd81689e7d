"""The container image variable shared by the compute components."""

from __future__ import annotations

from generators.hcl import Block, Ref, block
from generators.terraform import Context

PLACEHOLDER_IMAGE = "mcr.microsoft.com/k8se/quickstart:latest"


def image_variable(ctx: Context) -> Block:
    """`var.image`: the spec's pinned image, else Microsoft's sample until the deploy workflow sets one."""
    return block("variable", "image", type=Ref("string"), default=ctx.spec.app.image or PLACEHOLDER_IMAGE,
                 description="Container image the workload runs (set by the deploy workflow).")
