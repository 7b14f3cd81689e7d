"""private_dns.tf: the private DNS zones the environment's private endpoints and VNet-integrated
databases resolve through, each linked to the VNet; `private_endpoint()` builds an endpoint into one."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import CacheEngine, ComputeKind, DatabaseEngine, QueueEngine
from generators.hcl import Block, Ref, block
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.network import PRIVATE_ENDPOINTS, subnet_id
from generators.terraform.azure.resource_group import LOCATION, RG
from generators.terraform.context import Context

ZONES = {
    "vault": "privatelink.vaultcore.azure.net",
    "blob": "privatelink.blob.core.windows.net",
    "redis": "privatelink.redis.cache.windows.net",
    "mongo": "privatelink.mongo.cosmos.azure.com",
    "servicebus": "privatelink.servicebus.windows.net",
    "sites": "privatelink.azurewebsites.net",
    "sqlserver": "privatelink.database.windows.net",
}


def zones(plan: Plan, env: str) -> dict[str, str]:
    """Zone key -> zone name for what this plan deploys."""
    spec = plan.spec
    engines = {db.engine for db in spec.databases}
    wanted = {"vault": ZONES["vault"]}
    if spec.buckets or spec.compute.kind == ComputeKind.functions:
        wanted["blob"] = ZONES["blob"]
    if spec.compute.kind == ComputeKind.functions:
        wanted["sites"] = ZONES["sites"]
    if spec.cache and spec.cache.engine == CacheEngine.redis:
        wanted["redis"] = ZONES["redis"]
    if DatabaseEngine.mongodb in engines:
        wanted["mongo"] = ZONES["mongo"]
    if DatabaseEngine.sqlserver in engines:
        wanted["sqlserver"] = ZONES["sqlserver"]
    if spec.queue and spec.queue.engine == QueueEngine.kafka:
        wanted["servicebus"] = ZONES["servicebus"]
    if DatabaseEngine.postgres in engines:
        wanted["postgres"] = f"{dashed(env)}.private.postgres.database.azure.com"
    if DatabaseEngine.mysql in engines:
        wanted["mysql"] = f"{dashed(env)}.private.mysql.database.azure.com"
    return wanted


def zone_id(key: str) -> Ref:
    return Ref(f"azurerm_private_dns_zone.{key}.id")


def private_endpoint(ctx: Context, local: str, resource_id: Ref, subresource: str, zone: str) -> Block:
    """A private endpoint for `resource_id` in the private-endpoints subnet, registered in `zone`."""
    name = dashed("pe", ctx.name, local, max_length=80)
    return block(
        "resource", "azurerm_private_endpoint", local, name=name, resource_group_name=RG, location=LOCATION,
        subnet_id=subnet_id(PRIVATE_ENDPOINTS[0]), tags=tags(ctx),
        private_service_connection=block("private_service_connection", name=name,
                                         private_connection_resource_id=resource_id,
                                         subresource_names=[subresource], is_manual_connection=False),
        private_dns_zone_group=block("private_dns_zone_group", name="default", private_dns_zone_ids=[zone_id(zone)]),
    )


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for key, zone in zones(ctx.plan, ctx.name).items():
        blocks.append(block("resource", "azurerm_private_dns_zone", key, name=zone, resource_group_name=RG,
                            tags=tags(ctx)))
        blocks.append(block("resource", "azurerm_private_dns_zone_virtual_network_link", key,
                            name=dashed(ctx.name, key, max_length=80), resource_group_name=RG,
                            private_dns_zone_name=Ref(f"azurerm_private_dns_zone.{key}.name"),
                            virtual_network_id=Ref("azurerm_virtual_network.main.id"), tags=tags(ctx)))
    return blocks
