"""connection.tf: the environment's one connection secret (Secret Manager, `<env>-connection`), readable only by the
app's service account, plus `helm_values` for a GKE deploy.

One JSON property per env var (generators/helm/connections.py), no passwords: Cloud SQL is reached with IAM
database auth through the Cloud SQL socket, and the Redis AUTH string stays in its own secret (secrets.tf).
Cloud Run gets the settings as env vars and the AUTH string as a secret env var (cloud_run.tf)."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import CacheEngine, ComputeKind, DatabaseEngine
from generators.hcl import Block, Call, Ref, block
from generators.helm.connections import bucket_env, connection_secret_name, connections
from generators.helm.values import chart_name
from generators.terraform.context import Context
from generators.terraform.gcp import apm
from generators.terraform.gcp.cloud_sql import local_names
from generators.terraform.gcp.identity import APP_SA, app_member
from generators.terraform.gcp.names import labels
from generators.terraform.gcp.storage import local_name as bucket_local

SECRET_ID = Ref("google_secret_manager_secret.connection.secret_id")


def _database_url(local: str, engine: DatabaseEngine) -> Call:
    if engine == DatabaseEngine.sqlserver:  # no socket, no IAM login: TLS to the private IP, password from a secret
        return Call("format", "mssql://app_admin@%s:1433/app?encrypt=true",
                    Ref(f"google_sql_database_instance.{local}.private_ip_address"))
    instance = Ref(f"google_sql_database_instance.{local}.connection_name")
    if engine == DatabaseEngine.postgres:
        user = Call("trimsuffix", APP_SA, ".gserviceaccount.com")
        return Call("format", "postgresql://%s@/app?host=/cloudsql/%s", user, instance)
    user = Call("element", Call("split", "@", APP_SA), 0)
    return Call("format", "mysql://%s@localhost/app?socket=/cloudsql/%s", user, instance)


def settings(plan: Plan) -> dict[str, Any]:
    """env var -> HCL expression of its value (no passwords)."""
    databases = iter(local_names(plan))
    values: dict[str, Any] = {}
    for conn in connections(plan.spec):
        if conn.engine in {"postgres", "mysql", "sqlserver"}:
            local, db = next(databases)
            values[conn.env] = _database_url(local, db.engine)
        elif conn.engine == "redis":
            values[conn.env] = Call("format", "rediss://%s:%d", Ref("google_redis_instance.cache.host"),
                                    Ref("google_redis_instance.cache.port"))
        elif conn.engine == "memcached":
            values[conn.env] = Ref("google_memcache_instance.cache.discovery_endpoint")
        elif conn.engine == "pubsub":
            values[conn.env] = Ref("google_pubsub_topic.main.name")
    for bucket in plan.spec.buckets:
        values[bucket_env(bucket.name)] = Ref(f"google_storage_bucket.{bucket_local(bucket.name)}.name")
    return values


def password_secrets(plan: Plan) -> dict[str, Ref]:
    """env var -> Secret Manager secret id holding that password (the Redis AUTH string; SQL Server's `app_admin`
    password, as SQL Server on Cloud SQL has no IAM database login)."""
    found: dict[str, Ref] = {}
    databases = iter(local_names(plan))
    for conn in connections(plan.spec):
        if conn.engine in {"postgres", "mysql", "sqlserver"}:
            local, db = next(databases)
            if db.engine == DatabaseEngine.sqlserver:
                found[conn.password_env] = Ref(f"google_secret_manager_secret.{local}_admin_password.secret_id")
    cache = plan.spec.cache
    if cache is not None and cache.engine == CacheEngine.redis:
        found["REDIS_PASSWORD"] = Ref("google_secret_manager_secret.redis_auth.secret_id")
    return found


def _helm_values(ctx: Context) -> dict[str, Any]:
    return {
        "serviceAccount": {"annotations": {"iam.gke.io/gcp-service-account": APP_SA}},
        "externalSecret": {
            "provider": {"gcpsm": {"projectID": Ref("var.project_id"), "auth": {"workloadIdentity": {
                "clusterLocation": Ref("var.region"), "clusterName": Ref("google_container_cluster.main.name"),
                "serviceAccountRef": {"name": chart_name(ctx.plan)}}}}},
            "managedSecrets": {**{env: {"key": secret} for env, secret in password_secrets(ctx.plan).items()},
                               **apm.managed_secrets(ctx.plan)},
        },
    }


def build(ctx: Context) -> list[Block]:
    blocks = [
        block("resource", "google_secret_manager_secret", "connection", secret_id=connection_secret_name(ctx.spec),
              labels=labels(ctx), replication=block("replication", user_managed=block("user_managed", replicas=block(
                  "replicas", location=Ref("var.region"))))),
        block("resource", "google_secret_manager_secret_version", "connection",
              secret=Ref("google_secret_manager_secret.connection.id"),
              secret_data=Call("jsonencode", settings(ctx.plan))),
        block("resource", "google_secret_manager_secret_iam_member", "connection_app", secret_id=SECRET_ID,
              role="roles/secretmanager.secretAccessor", member=app_member()),
        block("output", "connection_secret", value=SECRET_ID,
              description="Secret Manager secret with the app's connection settings (the name, not the value)."),
    ]
    if ctx.spec.compute.kind == ComputeKind.kubernetes:
        blocks.append(block("output", "helm_values", value=_helm_values(ctx),
                            description="Deploy-time chart values (helm -f): workload identity and the secret store."))
    return blocks
