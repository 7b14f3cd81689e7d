"""container_apps.tf: a Container Apps environment in its own delegated subnet (logs to Log Analytics) and the app,
running as the workload's managed identity, HTTPS-only ingress.

Shape (issue 14): an internal app (`app.exposure: internal`) gets an internal environment (its ingress is an internal
load balancer in the VNet, no public IP) and a private DNS zone for the environment's domain, so the app's host name
resolves inside the VNet; a scheduled app (`compute.schedule`) is a Container Apps job on the spec's cron with no
ingress at all; each background worker (`workers`) is a Container App with the worker's command and no ingress."""

from __future__ import annotations

from typing import Any

from bot.spec import Exposure
from generators.hcl import Block, Ref, block
from generators.terraform.azure import connection, waf
from generators.terraform.azure.image import image_variable
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.network import CONTAINER_APPS, subnet_id
from generators.terraform.azure.observability import WORKSPACE
from generators.terraform.azure.resource_group import LOCATION, RG
from generators.terraform.context import Context
from generators.terraform.names import identifier

IDENTITY = Ref("azurerm_user_assigned_identity.app.id")
ENVIRONMENT_ID = Ref("azurerm_container_app_environment.main.id")


def secret_name(env: str) -> str:
    """A Container Apps secret name (lowercase letters, digits, hyphens) for an env var."""
    return env.lower().replace("_", "-")


def cpu_memory(cpu: float) -> tuple[float, str]:
    """Consumption profiles allow 0.25-4 vCPU in 0.25 steps with 2 GiB of memory per vCPU."""
    cores = min(4.0, max(0.25, round(cpu * 4) / 4))
    memory = cores * 2
    return cores, f"{memory:g}Gi"


def internal(ctx: Context) -> bool:
    """No public load balancer: the app is internal, or a scheduled job nothing calls."""
    return ctx.spec.app.exposure == Exposure.internal or ctx.spec.compute.schedule is not None


def _secrets(ctx: Context) -> dict[str, Any]:
    """The database passwords, read from Key Vault with the app's identity."""
    passwords = connection.password_secrets(ctx.plan)
    return {"secret": [block("secret", name=secret_name(env), identity=IDENTITY,
                             key_vault_secret_id=Ref(f"azurerm_key_vault_secret.{label}.versionless_id"))
                       for env, (label, _name) in passwords.items()]} if passwords else {}


def _container(ctx: Context, name: str, command: list[str] | None = None, probe: bool = True) -> Block:
    """The app's image with the connection settings and the passwords (as secret references)."""
    cores, memory = cpu_memory(ctx.plan.sizing.container_cpu)
    passwords = connection.password_secrets(ctx.plan)
    return block(
        "container", name=name, image=Ref("var.image"), cpu=cores, memory=memory,
        **({"command": command} if command else {}),
        env=[block("env", name="AZURE_CLIENT_ID", value=Ref("azurerm_user_assigned_identity.app.client_id")),
             *[block("env", name=env, value=value) for env, value in connection.settings(ctx.plan).items()],
             *[block("env", name=env, secret_name=secret_name(env)) for env in passwords]],
        **({"liveness_probe": block("liveness_probe", transport="HTTP", port=ctx.spec.app.port,
                                    path=ctx.spec.app.health_path)} if probe else {}),
    )


def _app(ctx: Context) -> list[Block]:
    spec = ctx.spec
    app = block(
        "resource", "azurerm_container_app", "app", name=dashed(ctx.name, max_length=32),
        resource_group_name=RG, container_app_environment_id=ENVIRONMENT_ID,
        revision_mode="Single", workload_profile_name="Consumption", tags=tags(ctx),
        identity=block("identity", type="UserAssigned", identity_ids=[IDENTITY]),
        **_secrets(ctx),
        template=block("template", min_replicas=spec.compute.min_replicas, max_replicas=spec.compute.max_replicas,
                       container=_container(ctx, "app")),
        # In an internal environment "external" means reachable from the VNet (through the internal load balancer).
        ingress=block("ingress", external_enabled=True, target_port=spec.app.port, allow_insecure_connections=False,
                      traffic_weight=block("traffic_weight", latest_revision=True, percentage=100)),
    )
    where = "inside the VNet only" if internal(ctx) else "public"
    if waf.applies(ctx.plan):
        where += "; it bypasses the WAF: give users front_door_url"
    return [app, block("output", "app_url", value=Ref("azurerm_container_app.app.latest_revision_fqdn"),
                       description=f"HTTPS host name of the app ({where}).")]


def _job(ctx: Context) -> list[Block]:
    """The scheduled job: started by Container Apps on the spec's cron (UTC), no ingress."""
    job = block(
        "resource", "azurerm_container_app_job", "app", name=dashed(ctx.name, max_length=32),
        resource_group_name=RG, location=LOCATION, container_app_environment_id=ENVIRONMENT_ID,
        workload_profile_name="Consumption", replica_timeout_in_seconds=3600, replica_retry_limit=1, tags=tags(ctx),
        identity=block("identity", type="UserAssigned", identity_ids=[IDENTITY]),
        schedule_trigger_config=block("schedule_trigger_config", cron_expression=ctx.spec.compute.schedule,
                                      parallelism=1, replica_completion_count=1),
        **_secrets(ctx),
        template=block("template", container=_container(ctx, "app", probe=False)),
    )
    return [job, block("output", "job_name", value=Ref("azurerm_container_app_job.app.name"),
                       description="Container Apps job (no endpoint; runs on its schedule, UTC).")]


def _workers(ctx: Context) -> list[Block]:
    return [block(
        "resource", "azurerm_container_app", identifier("worker", worker.name),
        name=dashed(ctx.name, worker.name, max_length=32), resource_group_name=RG,
        container_app_environment_id=ENVIRONMENT_ID, revision_mode="Single", workload_profile_name="Consumption",
        tags=tags(ctx), identity=block("identity", type="UserAssigned", identity_ids=[IDENTITY]),
        **_secrets(ctx),
        template=block("template", min_replicas=1, max_replicas=1,
                       container=_container(ctx, worker.name, list(worker.command) or None, probe=False)),
    ) for worker in ctx.spec.workers]


def _private_dns(ctx: Context) -> list[Block]:
    """An internal environment's domain resolves to its internal load balancer inside the VNet."""
    zone = Ref("azurerm_private_dns_zone.container_apps.name")
    return [
        block("resource", "azurerm_private_dns_zone", "container_apps",
              name=Ref("azurerm_container_app_environment.main.default_domain"), resource_group_name=RG,
              tags=tags(ctx)),
        block("resource", "azurerm_private_dns_zone_virtual_network_link", "container_apps",
              name=dashed(ctx.name, "container-apps", max_length=80), resource_group_name=RG,
              private_dns_zone_name=zone, virtual_network_id=Ref("azurerm_virtual_network.main.id"),
              registration_enabled=False, tags=tags(ctx)),
        block("resource", "azurerm_private_dns_a_record", "container_apps", name="*", zone_name=zone,
              resource_group_name=RG, ttl=300,
              records=[Ref("azurerm_container_app_environment.main.static_ip_address")], tags=tags(ctx)),
    ]


def build(ctx: Context) -> list[Block]:
    environment = block(
        "resource", "azurerm_container_app_environment", "main", name=dashed("cae", ctx.name, max_length=60),
        resource_group_name=RG, location=LOCATION, log_analytics_workspace_id=WORKSPACE,
        infrastructure_subnet_id=subnet_id(CONTAINER_APPS[0]),
        internal_load_balancer_enabled=internal(ctx), tags=tags(ctx),
        workload_profile=block("workload_profile", name="Consumption", workload_profile_type="Consumption"),
    )
    scheduled = ctx.spec.compute.schedule is not None
    return [
        environment,
        *(_job(ctx) if scheduled else _app(ctx)),
        *(_private_dns(ctx) if internal(ctx) and not scheduled else []),
        *_workers(ctx),
        image_variable(ctx),
    ]
