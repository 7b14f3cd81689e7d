"""cloud_run.tf: a Cloud Run (v2) service running as the app's service account, authenticated callers
only (internal ingress for internal apps), with direct VPC egress to reach private data services. Sized so Cloud Run
accepts it: under 1 vCPU the CPU is allocated per request (cpu_idle) with concurrency 1; below prod a minimum of one
instance scales to zero."""

from __future__ import annotations

from bot.spec import Exposure, Tier
from generators.hcl import Block, Ref, block
from generators.terraform import Context
from generators.terraform.gcp import connection
from generators.terraform.gcp.cloud_sql import local_names
from generators.terraform.gcp.image import image_variable
from generators.terraform.gcp.names import labels, resource_name


def _memory(gb: float) -> str:
    return f"{max(512, int(gb * 1024))}Mi"


def _cpu(cpu: float) -> str:
    return str(max(1, round(cpu))) if cpu >= 1 else f"{int(cpu * 1000)}m"


def min_instances(ctx: Context) -> int:
    """Below prod a single minimum instance scales to zero (billed per request); otherwise the requested minimum."""
    minimum = ctx.spec.compute.min_replicas
    return 0 if minimum == 1 and ctx.spec.tier != Tier.prod else minimum


def sizing(cpu: float, memory_gb: float) -> tuple[float, dict]:
    """(vCPU, extra container settings) Cloud Run accepts: under 1 vCPU needs request-time CPU and concurrency 1,
    and at most 1 GiB; more memory takes a whole vCPU."""
    if cpu < 1 and memory_gb > 1:
        cpu = 1
    return cpu, ({"cpu_idle": True} if cpu < 1 else {})


def build(ctx: Context) -> list[Block]:
    spec, plan_sizing = ctx.spec, ctx.plan.sizing
    sql = [Ref(f"google_sql_database_instance.{local}.connection_name") for local, _db in local_names(ctx.plan)]
    cpu, cpu_settings = sizing(plan_sizing.container_cpu, plan_sizing.container_memory_gb)
    container = block(
        "containers",
        image=Ref("var.image"),
        ports=block("ports", container_port=spec.app.port),
        resources=block("resources", limits={"cpu": _cpu(cpu), "memory": _memory(plan_sizing.container_memory_gb)},
                        **cpu_settings),
        startup_probe=block("startup_probe", http_get=block("http_get", path=spec.app.health_path)),
        env=[block("env", name=env, value=value) for env, value in connection.settings(ctx.plan).items()]
        + [block("env", name=env, value_source=block("value_source", secret_key_ref=block(
            "secret_key_ref", secret=secret, version="latest")))
           for env, secret in connection.password_secrets(ctx.plan).items()],
        **({"volume_mounts": block("volume_mounts", name="cloudsql", mount_path="/cloudsql")} if sql else {}),
    )
    template = block(
        "template",
        service_account=Ref("google_service_account.app.email"),
        labels=labels(ctx),
        scaling=block("scaling", min_instance_count=min_instances(ctx),
                      max_instance_count=spec.compute.max_replicas),
        **({"max_instance_request_concurrency": 1} if cpu < 1 else {}),
        vpc_access=block("vpc_access", egress="PRIVATE_RANGES_ONLY", network_interfaces=block(
            "network_interfaces", network=Ref("google_compute_network.main.id"),
            subnetwork=Ref("google_compute_subnetwork.main.id"))),
        containers=container,
        **({"volumes": block("volumes", name="cloudsql", cloud_sql_instance=block("cloud_sql_instance", instances=sql))}
           if sql else {}),
    )
    service = block(
        "resource", "google_cloud_run_v2_service", "app",
        name=resource_name(ctx.name, max_length=49),
        location=Ref("var.region"),
        ingress="INGRESS_TRAFFIC_INTERNAL_ONLY" if spec.app.exposure == Exposure.internal else "INGRESS_TRAFFIC_ALL",
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
