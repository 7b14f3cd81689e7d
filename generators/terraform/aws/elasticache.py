"""elasticache.tf: Redis replication group or Memcached cluster, encrypted at rest and in transit.

With `cache.shards` Redis runs in cluster mode: that many node groups of one primary and `replicas_per_shard`
replicas each (default: 1 with high availability or in prod, else 0), automatic failover always on (cluster
mode requires it), the same TLS, KMS key and IAM-authenticated RBAC user; the app reaches it through the
configuration endpoint and is told to use a cluster client (`REDIS_CLUSTER_MODE`, connection.tf)."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import CacheEngine
from generators.hcl import Block, Ref, block
from generators.terraform.aws.shared import KMS_ARN, PRIVATE_SUBNETS, data_security_group
from generators.terraform.context import Context, cache_of
from generators.terraform.names import dns_label

PORTS = {CacheEngine.redis: 6379, CacheEngine.memcached: 11211}
REDIS_VERSION = "7.1"
MEMCACHED_VERSION = "1.6.22"


def applies(plan: Plan) -> bool:
    return plan.spec.cache is not None


def _redis_users(ctx: Context) -> list[Block]:
    """Redis AUTH through ElastiCache RBAC: the app's user authenticates with IAM (no password anywhere);
    the mandatory `default` user is switched off."""
    app_user = dns_label(ctx.name, "app", max_length=40)
    return [
        block("resource", "aws_elasticache_user", "default", user_id=dns_label(ctx.name, "default", max_length=40),
              user_name="default", engine="redis", access_string="off ~* -@all",
              authentication_mode=block("authentication_mode", type="no-password-required")),
        block("resource", "aws_elasticache_user", "app", user_id=app_user, user_name=app_user, engine="redis",
              access_string="on ~* +@all -@dangerous", authentication_mode=block("authentication_mode", type="iam")),
        block("resource", "aws_elasticache_user_group", "main", engine="redis",
              user_group_id=dns_label(ctx.name, "users", max_length=40),
              user_ids=[Ref("aws_elasticache_user.default.user_id"), Ref("aws_elasticache_user.app.user_id")]),
    ]


def cluster_mode(plan: Plan) -> bool:
    """Redis runs sharded (cluster mode enabled)."""
    return plan.spec.cache is not None and plan.spec.cache.shards is not None


def replicas_per_shard(plan: Plan) -> int:
    """Replicas in each shard: as asked, else one when the plan has more than one cache node (HA or prod)."""
    asked = plan.spec.cache.replicas_per_shard if plan.spec.cache else None
    return asked if asked is not None else plan.sizing.cache_nodes - 1


def _layout(plan: Plan) -> dict[str, object]:
    """Node-count arguments: shards x (1 + replicas) in cluster mode, else `cache_nodes` nodes in one group."""
    if cluster_mode(plan):
        replicas = replicas_per_shard(plan)
        return dict(cluster_mode="enabled", num_node_groups=cache_of(plan.spec).shards, replicas_per_node_group=replicas,
                    parameter_group_name=f"default.redis{REDIS_VERSION.split('.')[0]}.cluster.on",
                    automatic_failover_enabled=True, multi_az_enabled=replicas > 0)
    nodes = plan.sizing.cache_nodes
    return dict(num_cache_clusters=nodes, automatic_failover_enabled=nodes > 1, multi_az_enabled=nodes > 1)


def _redis(ctx: Context, identifier: str) -> list[Block]:
    endpoint = "configuration_endpoint_address" if cluster_mode(ctx.plan) else "primary_endpoint_address"
    return [
        *_redis_users(ctx),
        block("resource", "aws_elasticache_replication_group", "main", replication_group_id=identifier,
              description="App cache", engine="redis", engine_version=REDIS_VERSION,
              node_type=ctx.plan.sizing.cache_node_type, port=PORTS[CacheEngine.redis], **_layout(ctx.plan),
              subnet_group_name=Ref("aws_elasticache_subnet_group.main.name"),
              security_group_ids=[Ref("aws_security_group.cache.id")],
              at_rest_encryption_enabled=True, kms_key_id=KMS_ARN, transit_encryption_enabled=True,
              user_group_ids=[Ref("aws_elasticache_user_group.main.user_group_id")],
              auto_minor_version_upgrade=True, snapshot_retention_limit=1, apply_immediately=True),
        block("output", "cache_host", value=Ref(f"aws_elasticache_replication_group.main.{endpoint}"),
              description="Redis primary endpoint, or configuration endpoint in cluster mode (TLS)."),
    ]


def _memcached(ctx: Context, identifier: str) -> list[Block]:
    nodes = ctx.plan.sizing.cache_nodes
    return [
        block("resource", "aws_elasticache_cluster", "main", cluster_id=dns_label(identifier, max_length=40),
              engine="memcached", engine_version=MEMCACHED_VERSION, node_type=ctx.plan.sizing.cache_node_type,
              num_cache_nodes=nodes, az_mode="cross-az" if nodes > 1 else "single-az",
              port=PORTS[CacheEngine.memcached], transit_encryption_enabled=True,
              subnet_group_name=Ref("aws_elasticache_subnet_group.main.name"),
              security_group_ids=[Ref("aws_security_group.cache.id")], apply_immediately=True),
        block("output", "cache_host", value=Ref("aws_elasticache_cluster.main.configuration_endpoint"),
              description="Memcached configuration endpoint (TLS)."),
    ]


def build(ctx: Context) -> list[Block]:
    engine = cache_of(ctx.spec).engine
    identifier = dns_label(ctx.name, "cache", max_length=40)
    body = _redis(ctx, identifier) if engine == CacheEngine.redis else _memcached(ctx, identifier)
    return [
        data_security_group(ctx.plan, "cache", engine.value, PORTS[engine]),
        block("resource", "aws_elasticache_subnet_group", "main", name=dns_label(ctx.name, "cache", max_length=255),
              subnet_ids=PRIVATE_SUBNETS),
        *body,
    ]


