"""observability.tf: a Cloud Logging bucket with the plan's retention, and a sink routing the
environment's workload logs into it."""

from __future__ import annotations

from bot.spec import ComputeKind
from generators.hcl import Block, Call, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.names import resource_name


def log_filter(ctx: Context) -> str:
    """Logs of this environment's workload, by the resource names the other components give it."""
    kind = ctx.spec.compute.kind
    if kind == ComputeKind.kubernetes:
        return f'resource.type="k8s_container" AND resource.labels.cluster_name="{resource_name(ctx.name, max_length=40)}"'
    if kind == ComputeKind.vm:
        prefix = resource_name(ctx.name, "vm", max_length=58)
        return f'resource.type="gce_instance" AND labels."compute.googleapis.com/resource_name"=~"^{prefix}-"'
    service = resource_name(ctx.name, max_length=49 if kind == ComputeKind.containers else 63)
    return f'resource.type="cloud_run_revision" AND resource.labels.service_name="{service}"'


def build(ctx: Context) -> list[Block]:
    bucket_id = resource_name(ctx.name, "logs", max_length=100)
    return [
        block("resource", "google_logging_project_bucket_config", "main", project=Ref("var.project_id"),
              location=Ref("var.region"), bucket_id=bucket_id, retention_days=ctx.plan.sizing.log_retention_days,
              description=f"Logs of environment {ctx.name}"),
        block("resource", "google_logging_project_sink", "main", name=resource_name(ctx.name, "logs", max_length=100),
              destination=Call("format", "logging.googleapis.com/%s", Ref("google_logging_project_bucket_config.main.id")),
              filter=log_filter(ctx), unique_writer_identity=True),
    ]
