"""cloud_run.tf: a Cloud Run (v2) service running as the app's service account, authenticated callers
only, with direct VPC egress to reach private data services."""

from __future__ import annotations

from bot.spec import Tier
from generators.hcl import Block, Ref, block
from generators.terraform import Context
from generators.terraform.gcp.image import image_variable
from generators.terraform.gcp.names import labels, resource_name


def _memory(gb: float) -> str:
    return f"{max(512, int(gb * 1024))}Mi"


def _cpu(cpu: float) -> str:
    return str(max(1, round(cpu))) if cpu >= 1 else f"{int(cpu * 1000)}m"


def build(ctx: Context) -> list[Block]:
    spec, sizing = ctx.spec, ctx.plan.sizing
    container = block(
        "containers",
        image=Ref("var.image"),
        ports=block("ports", container_port=spec.app.port),
        resources=block("resources", limits={"cpu": _cpu(sizing.container_cpu), "memory": _memory(sizing.container_memory_gb)}),
        startup_probe=block("startup_probe", http_get=block("http_get", path=spec.app.health_path)),
    )
    template = block(
        "template",
        service_account=Ref("google_service_account.app.email"),
        labels=labels(ctx),
        scaling=block("scaling", min_instance_count=spec.compute.min_replicas,
                      max_instance_count=spec.compute.max_replicas),
        vpc_access=block("vpc_access", egress="PRIVATE_RANGES_ONLY", network_interfaces=block(
            "network_interfaces", network=Ref("google_compute_network.main.id"),
            subnetwork=Ref("google_compute_subnetwork.main.id"))),
        containers=container,
    )
    service = block(
        "resource", "google_cloud_run_v2_service", "app",
        name=resource_name(ctx.name, max_length=49),
        location=Ref("var.region"),
        ingress="INGRESS_TRAFFIC_ALL",
        deletion_protection=ctx.spec.tier == Tier.prod,
        labels=labels(ctx),
        template=template,
    )
    return [
        service,
        image_variable(ctx),
        block("output", "service_url", value=Ref("google_cloud_run_v2_service.app.uri"),
              description="HTTPS URL of the service (callers need roles/run.invoker)."),
    ]
