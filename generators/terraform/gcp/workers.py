"""workers.tf: one Cloud Run worker pool per background worker (workers: e.g. Sidekiq or Celery): the app's image
with the worker's command, the same service account, settings and private egress as the app, and no endpoint
(worker pools serve no requests). Worker pools need google provider 6.38 or newer (versions.tf)."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, Tier
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.cloud_run import container, runtime_settings
from generators.terraform.gcp.names import labels, resource_name
from generators.terraform.names import identifier


def applies(plan: Plan) -> bool:
    return bool(plan.spec.workers) and plan.spec.compute.kind == ComputeKind.containers


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for worker in ctx.spec.workers:
        blocks.append(block(
            "resource", "google_cloud_run_v2_worker_pool", identifier("worker", worker.name),
            name=resource_name(ctx.name, worker.name, max_length=49),
            location=Ref("var.region"),
            launch_stage="BETA",
            deletion_protection=ctx.spec.tier == Tier.prod,
            labels=labels(ctx),
            scaling=block("scaling", manual_instance_count=1),
            template=block("template", labels=labels(ctx),
                           containers=container(ctx, command=list(worker.command) or None, serving=False),
                           **runtime_settings(ctx)),
        ))
    return blocks
