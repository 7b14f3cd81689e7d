"""cloud_run.tf: a Cloud Run (v2) service running as the app's service account, authenticated callers
only (internal ingress for internal apps, load-balancer ingress behind Cloud Armor: waf.tf), with direct VPC egress
to reach private data services. Sized so Cloud Run accepts it: under 1 vCPU the CPU is allocated per request
(cpu_idle) with concurrency 1; below prod a minimum of one instance scales to zero. A scheduled app
(compute.schedule) is a Cloud Run job instead, with no endpoint at all."""

from __future__ import annotations

from typing import Any

from bot.spec import Exposure, Tier
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp import connection, waf
from generators.terraform.gcp.cloud_sql import socket_names
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


def sizing(cpu: float, memory_gb: float) -> tuple[float, dict[str, Any]]:
    """(vCPU, extra container settings) Cloud Run accepts: under 1 vCPU needs request-time CPU and concurrency 1,
    and at most 1 GiB; more memory takes a whole vCPU."""
    if cpu < 1 and memory_gb > 1:
        cpu = 1
    return cpu, ({"cpu_idle": True} if cpu < 1 else {})


def container(ctx: Context, *, command: list[str] | None = None, serving: bool = True) -> Block:
    """The app's container: its image, the connection settings as env vars and the Redis AUTH string from Secret
    Manager; a serving container also gets its port and a startup probe, a job or worker its command. Jobs and workers
    are billed per instance, so they get at least one whole vCPU (no request-time CPU)."""
    spec, plan_sizing = ctx.spec, ctx.plan.sizing
    cpu, cpu_settings = sizing(plan_sizing.container_cpu, plan_sizing.container_memory_gb)
    if not serving:
        cpu, cpu_settings = max(1.0, cpu), {}
    sql = bool(socket_names(ctx.plan))
    return block(
        "containers",
        image=Ref("var.image"),
        **({"command": command} if command else {}),
        **({"ports": block("ports", container_port=spec.app.port)} if serving else {}),
        resources=block("resources", limits={"cpu": _cpu(cpu), "memory": _memory(plan_sizing.container_memory_gb)},
                        **cpu_settings),
        **({"startup_probe": block("startup_probe", http_get=block("http_get", path=spec.app.health_path))}
           if serving else {}),
        env=[block("env", name=env, value=value) for env, value in connection.settings(ctx.plan).items()]
        + [block("env", name=env, value_source=block("value_source", secret_key_ref=block(
            "secret_key_ref", secret=secret, version="latest")))
           for env, secret in connection.password_secrets(ctx.plan).items()],
        **({"volume_mounts": block("volume_mounts", name="cloudsql", mount_path="/cloudsql")} if sql else {}),
    )


def runtime_settings(ctx: Context) -> dict[str, Any]:
    """What every Cloud Run template shares: the app's service account, direct VPC egress to the private data
    services, and the Cloud SQL socket volume."""
    sql = [Ref(f"google_sql_database_instance.{local}.connection_name") for local, _db in socket_names(ctx.plan)]
    return {
        "service_account": Ref("google_service_account.app.email"),
        "vpc_access": block("vpc_access", egress="PRIVATE_RANGES_ONLY", network_interfaces=block(
            "network_interfaces", network=Ref("google_compute_network.main.id"),
            subnetwork=Ref("google_compute_subnetwork.main.id"))),
        **({"volumes": block("volumes", name="cloudsql", cloud_sql_instance=block("cloud_sql_instance", instances=sql))}
           if sql else {}),
    }


def _job(ctx: Context) -> list[Block]:
    """A scheduled job (compute.schedule): a Cloud Run job Cloud Scheduler runs (schedule.tf); it serves nothing."""
    job = block(
        "resource", "google_cloud_run_v2_job", "app",
        name=resource_name(ctx.name, max_length=49),
        location=Ref("var.region"),
        deletion_protection=ctx.spec.tier == Tier.prod,
        labels=labels(ctx),
        template=block("template", task_count=1, labels=labels(ctx), template=block(
            "template", max_retries=1, timeout="3600s", containers=container(ctx, serving=False),
            **runtime_settings(ctx))),
    )
    return [job, image_variable(ctx),
            block("output", "job_name", value=Ref("google_cloud_run_v2_job.app.name"),
                  description="Cloud Run job (no endpoint: Cloud Scheduler starts it, see schedule.tf).")]


def ingress(ctx: Context) -> str:
    """Internal apps: the VPC only; behind Cloud Armor (waf.tf): load balancers only, so the WAF cannot be bypassed
    through the service's own run.app URL; otherwise all traffic (callers still need roles/run.invoker)."""
    if ctx.spec.app.exposure == Exposure.internal:
        return "INGRESS_TRAFFIC_INTERNAL_ONLY"
    return "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" if waf.applies(ctx.plan) else "INGRESS_TRAFFIC_ALL"


def build(ctx: Context) -> list[Block]:
    spec = ctx.spec
    if spec.compute.schedule is not None:
        return _job(ctx)
    cpu, _settings = sizing(ctx.plan.sizing.container_cpu, ctx.plan.sizing.container_memory_gb)
    template = block(
        "template",
        labels=labels(ctx),
        scaling=block("scaling", min_instance_count=min_instances(ctx),
                      max_instance_count=spec.compute.max_replicas),
        **({"max_instance_request_concurrency": 1} if cpu < 1 else {}),
        containers=container(ctx),
        **runtime_settings(ctx),
    )
    service = block(
        "resource", "google_cloud_run_v2_service", "app",
        name=resource_name(ctx.name, max_length=49),
        location=Ref("var.region"),
        ingress=ingress(ctx),
        deletion_protection=ctx.spec.tier == Tier.prod,
        labels=labels(ctx),
        template=template,
    )
    return [
        service,
        image_variable(ctx),
        block("output", "service_url", value=Ref("google_cloud_run_v2_service.app.uri"),
              description="HTTPS URL of the service (callers need roles/run.invoker)"
              + ("; it answers through the load balancer only (app_url)." if waf.applies(ctx.plan) else ".")),
    ]
