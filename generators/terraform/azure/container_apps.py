"""container_apps.tf: a Container Apps environment in its own delegated subnet (logs to Log Analytics)
and the app, running as the workload's managed identity, HTTPS-only ingress."""

from __future__ import annotations

from bot.spec import Exposure
from generators.hcl import Block, Ref, block
from generators.terraform import Context
from generators.terraform.azure import connection
from generators.terraform.azure.image import image_variable
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.network import CONTAINER_APPS, subnet_id
from generators.terraform.azure.observability import WORKSPACE
from generators.terraform.azure.resource_group import LOCATION, RG

IDENTITY = Ref("azurerm_user_assigned_identity.app.id")


def secret_name(env: str) -> str:
    """A Container Apps secret name (lowercase letters, digits, hyphens) for an env var."""
    return env.lower().replace("_", "-")


def cpu_memory(cpu: float) -> tuple[float, str]:
    """Consumption profiles allow 0.25-4 vCPU in 0.25 steps with 2 GiB of memory per vCPU."""
    cores = min(4.0, max(0.25, round(cpu * 4) / 4))
    memory = cores * 2
    return cores, f"{memory:g}Gi"


def build(ctx: Context) -> list[Block]:
    spec = ctx.spec
    cores, memory = cpu_memory(ctx.plan.sizing.container_cpu)
    passwords = connection.password_secrets(ctx.plan)
    environment = block(
        "resource", "azurerm_container_app_environment", "main", name=dashed("cae", ctx.name, max_length=60),
        resource_group_name=RG, location=LOCATION, log_analytics_workspace_id=WORKSPACE,
        infrastructure_subnet_id=subnet_id(CONTAINER_APPS[0]), tags=tags(ctx),
        workload_profile=block("workload_profile", name="Consumption", workload_profile_type="Consumption"),
    )
    app = block(
        "resource", "azurerm_container_app", "app", name=dashed(ctx.name, max_length=32),
        resource_group_name=RG, container_app_environment_id=Ref("azurerm_container_app_environment.main.id"),
        revision_mode="Single", workload_profile_name="Consumption", tags=tags(ctx),
        identity=block("identity", type="UserAssigned", identity_ids=[IDENTITY]),
        **({"secret": [block("secret", name=secret_name(env), identity=IDENTITY,
                             key_vault_secret_id=Ref(f"azurerm_key_vault_secret.{label}.versionless_id"))
                       for env, (label, _name) in passwords.items()]} if passwords else {}),
        template=block(
            "template", min_replicas=spec.compute.min_replicas, max_replicas=spec.compute.max_replicas,
            container=block(
                "container", name="app", image=Ref("var.image"), cpu=cores, memory=memory,
                env=[block("env", name="AZURE_CLIENT_ID", value=Ref("azurerm_user_assigned_identity.app.client_id")),
                     *[block("env", name=env, value=value) for env, value in connection.settings(ctx.plan).items()],
                     *[block("env", name=env, secret_name=secret_name(env)) for env in passwords]],
                liveness_probe=block("liveness_probe", transport="HTTP", port=spec.app.port, path=spec.app.health_path),
            ),
        ),
        ingress=block("ingress", external_enabled=spec.app.exposure == Exposure.public, target_port=spec.app.port,
                      allow_insecure_connections=False,
                      traffic_weight=block("traffic_weight", latest_revision=True, percentage=100)),
    )
    return [
        environment,
        app,
        image_variable(ctx),
        block("output", "app_url", value=Ref("azurerm_container_app.app.latest_revision_fqdn"),
              description="HTTPS host name of the app."),
    ]
