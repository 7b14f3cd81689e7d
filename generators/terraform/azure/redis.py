"""redis.tf: Azure Cache for Redis with Entra ID auth only (access keys off; the workload's identity gets a
data access policy), TLS 1.2 only, private endpoint only. Azure has no managed Memcached: the spec refuses it."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import CacheEngine
from generators.hcl import Block, Ref, block
from generators.terraform.azure.names import tags, unique
from generators.terraform.azure.private_dns import private_endpoint
from generators.terraform.azure.resource_group import APP_PRINCIPAL, LOCATION, RG
from generators.terraform.context import Context


def applies(plan: Plan) -> bool:
    return plan.spec.cache is not None and plan.spec.cache.engine == CacheEngine.redis


def sku(node_type: str) -> tuple[str, str, int]:
    """`Basic_C0` -> ("Basic", "C", 0)."""
    name, size = node_type.split("_")
    return name, size[0], int(size[1:])


def build(ctx: Context) -> list[Block]:
    sku_name, family, capacity = sku(ctx.plan.sizing.cache_node_type)
    return [
        block(
            "resource", "azurerm_redis_cache", "main", name=unique(ctx, "redis", max_length=63),
            resource_group_name=RG, location=LOCATION, sku_name=sku_name, family=family, capacity=capacity,
            redis_version="6", non_ssl_port_enabled=False, minimum_tls_version="1.2",
            public_network_access_enabled=False, access_keys_authentication_enabled=False, tags=tags(ctx),
            redis_configuration=block("redis_configuration", active_directory_authentication_enabled=True),
        ),
        private_endpoint(ctx, "redis", Ref("azurerm_redis_cache.main.id"), "redisCache", "redis"),
        block("resource", "azurerm_redis_cache_access_policy_assignment", "app", name="app",
              redis_cache_id=Ref("azurerm_redis_cache.main.id"), access_policy_name="Data Contributor",
              object_id=APP_PRINCIPAL, object_id_alias="app"),
        block("output", "redis_host", value=Ref("azurerm_redis_cache.main.hostname"),
              description="Redis host (TLS port 6380, Entra ID auth as the workload identity)."),
    ]
