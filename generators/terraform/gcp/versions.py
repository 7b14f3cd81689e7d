"""versions.tf: pinned Terraform and providers; the google provider takes its project from `var.project_id`."""

from __future__ import annotations

from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.names import labels

PROVIDERS = {
    "google": {"source": "hashicorp/google", "version": "~> 6.38"},  # 6.38: Cloud Run worker pools
    "random": {"source": "hashicorp/random", "version": "~> 3.6"},
}


def build(ctx: Context) -> list[Block]:
    return [
        block("terraform", required_version=">= 1.6.0", required_providers=block("required_providers", **PROVIDERS)),
        block("provider", "google", project=Ref("var.project_id"), region=Ref("var.region"), default_labels=labels(ctx)),
        block("variable", "project_id", type=Ref("string"),
              description="GCP project that holds the environment (no default: set it per deployment)."),
        block("variable", "region", type=Ref("string"), default=ctx.spec.region, description="GCP region."),
    ]
