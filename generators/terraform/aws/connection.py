"""connection.tf: the environment's one connection secret (Secrets Manager), read by every runtime.

One JSON property per env var (generators/helm/connections.py): URLs with the user name but never a
password, the queue URL, bucket names. Database and broker passwords stay in their managed secrets
(`manage_master_user_password`); `password_sources` says where each runtime reads them from.
"""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, Database, DatabaseEngine
from generators.hcl import Block, Call, Ref, block
from generators.helm.connections import (
    ENGINE_ENV,
    bucket_env,
    cluster_settings,
    connection_secret_name,
    connections,
    read_settings,
    table_env,
    topic_settings,
)
from generators.terraform.aws import apm
from generators.terraform.aws.dynamodb import labels as table_labels
from generators.terraform.aws.elasticache import cluster_mode
from generators.terraform.aws.rds import MASTER_USERNAME, attribute
from generators.terraform.aws.s3 import labels as bucket_labels
from generators.terraform.aws.shared import KMS_ARN
from generators.terraform.context import Context, database_labels

SECRET_ARN = Ref("aws_secretsmanager_secret.connection.arn")


def _database_labels(plan: Plan) -> list[str]:
    """The Terraform label of each spec database, in spec order (RDS labels; DocumentDB is `main`)."""
    rds = iter(label for label, _db in database_labels(
        [db for db in plan.spec.databases if db.engine != DatabaseEngine.mongodb]))
    return ["main" if db.engine == DatabaseEngine.mongodb else next(rds) for db in plan.spec.databases]


def _url_format(engine: str) -> str:
    """`scheme://user@host:port/db?tls`: SQL Server's URL names no database (RDS creates none; the app does)."""
    if engine == "sqlserver":
        return "mssql://%s@%s:%d?encrypt=true"
    scheme, query = ("postgresql", "sslmode=require") if engine == "postgres" else ("mysql", "ssl-mode=REQUIRED")
    return f"{scheme}://%s@%s:%d/{engine}?{query}"


def _read_urls(db: Database, label: str) -> Call:
    """The replicas' URLs, comma-separated (same user and database as the primary; RDS copies both). An Aurora
    cluster has one reader endpoint that spreads connections over its readers."""
    engine = db.engine.value
    if db.aurora:
        return Call("format", _url_format(engine), attribute(label, db, "username"),
                    Ref(f"aws_rds_cluster.{label}.reader_endpoint"), attribute(label, db, "port"))
    return Call("join", ",", Call("formatlist", _url_format(engine), Ref(f"aws_db_instance.{label}.username"),
                                  Ref(f"aws_db_instance.{label}_replica[*].address"),
                                  Ref(f"aws_db_instance.{label}.port")))


def _database_url(db: Database, label: str) -> Call:
    engine = db.engine.value
    if engine == "mongodb":
        return Call("format", f"mongodb://{MASTER_USERNAME}@%s:%d/?tls=true&replicaSet=rs0&retryWrites=false",
                    Ref("aws_docdb_cluster.main.endpoint"), Ref("aws_docdb_cluster.main.port"))
    return Call("format", _url_format(engine), attribute(label, db, "username"), attribute(label, db, "address"),
                attribute(label, db, "port"))


def _redis_url(endpoint: str) -> Call:
    """The app user's TLS URL of one replication-group endpoint (IAM auth: no password in it)."""
    return Call("format", "rediss://%s@%s:%d", Ref("aws_elasticache_user.app.user_name"),
                Ref(f"aws_elasticache_replication_group.main.{endpoint}"),
                Ref("aws_elasticache_replication_group.main.port"))


SERVICE_VALUES: dict[str, Any] = {
    "redis": _redis_url("primary_endpoint_address"),
    "memcached": Ref("aws_elasticache_cluster.main.configuration_endpoint"),
    "sqs": Ref("aws_sqs_queue.main.url"),
    "rabbitmq": Ref("aws_mq_broker.main.instances[0].endpoints[0]"),
    "kafka": Ref("aws_msk_cluster.main.bootstrap_brokers_sasl_iam"),
    "opensearch": Call("format", "https://%s", Ref("aws_opensearch_domain.main.endpoint")),
}


def settings(plan: Plan) -> dict[str, Any]:
    """env var -> HCL expression of its value."""
    labels = iter(zip(_database_labels(plan), plan.spec.databases, strict=True))
    values: dict[str, Any] = {}
    for conn in connections(plan.spec):
        if conn.engine in {"postgres", "mysql", "sqlserver", "mongodb"}:
            label, db = next(labels)
            values[conn.env] = _database_url(db, label)
        else:
            values[conn.env] = SERVICE_VALUES[conn.engine]
    db_labels = _database_labels(plan)
    for env, index in read_settings(plan.spec).items():
        values[env] = _read_urls(plan.spec.databases[index], db_labels[index])
    if cluster_mode(plan):  # sharded Redis: the configuration endpoint, and a cluster client
        values[ENGINE_ENV["redis"][0]] = _redis_url("configuration_endpoint_address")
        values.update(dict.fromkeys(cluster_settings(plan.spec), "true"))
    for bucket, label in zip(plan.spec.buckets, bucket_labels(plan), strict=True):
        values[bucket_env(bucket.name)] = Ref(f"aws_s3_bucket.{label}.bucket")
    for label, table in table_labels(plan):
        values[table_env(table.name)] = Ref(f"aws_dynamodb_table.{label}.name")
    values.update(dict.fromkeys(topic_settings(plan.spec), Ref("aws_sns_topic.notifications.arn")))
    return values


def password_sources(plan: Plan) -> dict[str, Any]:
    """env var -> ARN of the managed secret whose `password` property it carries."""
    labels = iter(zip(_database_labels(plan), plan.spec.databases, strict=True))
    sources: dict[str, Any] = {}
    for conn in connections(plan.spec):
        arn = None
        if conn.engine in {"postgres", "mysql", "sqlserver"}:
            arn = attribute(*next(labels), "master_user_secret[0].secret_arn")
        elif conn.engine == "mongodb":
            next(labels)
            arn = Ref("aws_docdb_cluster.main.master_user_secret[0].secret_arn")
        elif conn.engine == "rabbitmq":
            arn = Ref("aws_secretsmanager_secret.mq.arn")
        if arn is not None:
            sources[conn.password_env] = arn
    return sources


def build(ctx: Context) -> list[Block]:
    managed: dict[str, dict[str, Any]] = {
        env: {"key": arn, "property": "password"} for env, arn in password_sources(ctx.plan).items()}
    managed.update(apm.eks_managed_secrets(ctx.plan))
    return [
        block("resource", "aws_secretsmanager_secret", "connection", name=connection_secret_name(ctx.spec),
              description="Connection settings of the app (no passwords: those stay in the managed secrets)",
              kms_key_id=KMS_ARN, recovery_window_in_days=0),
        block("resource", "aws_secretsmanager_secret_version", "connection", secret_id=SECRET_ARN,
              secret_string=Call("jsonencode", settings(ctx.plan))),
        block("output", "connection_secret_arn", value=SECRET_ARN,
              description="Secrets Manager secret with the app's connection settings (ARN only)."),
    ] + ([block("output", "helm_values", value={"externalSecret": {"managedSecrets": managed}},
        description="Deploy-time chart values (helm -f): where external-secrets reads each managed password.")]
        if ctx.spec.compute.kind == ComputeKind.kubernetes and managed else [])
