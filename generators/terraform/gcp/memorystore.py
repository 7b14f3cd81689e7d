"""memorystore.tf: Memorystore for Redis (AUTH on, TLS in transit, private service access) or
Memorystore for Memcached, on the environment's VPC. The Redis AUTH string goes to Secret Manager."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import CacheEngine
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context, cache_of
from generators.terraform.gcp.names import labels, resource_name


def applies(plan: Plan) -> bool:
    return plan.spec.cache is not None


def build(ctx: Context) -> list[Block]:
    if cache_of(ctx.spec).engine == CacheEngine.redis:
        return _redis(ctx)
    return _memcached(ctx)


def _redis(ctx: Context) -> list[Block]:
    return [
        block(
            "resource", "google_redis_instance", "cache",
            name=resource_name(ctx.name, "cache", max_length=40),
            region=Ref("var.region"),
            tier=ctx.plan.sizing.cache_node_type,
            memory_size_gb=1,
            redis_version="REDIS_7_2",
            authorized_network=Ref("google_compute_network.main.id"),
            connect_mode="PRIVATE_SERVICE_ACCESS",
            auth_enabled=True,
            transit_encryption_mode="SERVER_AUTHENTICATION",
            labels=labels(ctx),
            depends_on=[Ref("google_service_networking_connection.private_services")],
        ),
        block("output", "redis_host", value=Ref("google_redis_instance.cache.host"), description="Private Redis host."),
        block("output", "redis_port", value=Ref("google_redis_instance.cache.port"), description="Redis TLS port."),
    ]


def _memcached(ctx: Context) -> list[Block]:
    return [
        block(
            "resource", "google_memcache_instance", "cache",
            name=resource_name(ctx.name, "cache", max_length=40),
            region=Ref("var.region"),
            authorized_network=Ref("google_compute_network.main.id"),
            node_count=ctx.plan.sizing.cache_nodes,
            node_config=block("node_config", cpu_count=1, memory_size_mb=1024),
            memcache_version="MEMCACHE_1_6_15",
            labels=labels(ctx),
            depends_on=[Ref("google_service_networking_connection.private_services")],
        ),
        block("output", "memcached_discovery_endpoint", value=Ref("google_memcache_instance.cache.discovery_endpoint"),
              description="Memcached discovery endpoint (private)."),
    ]
