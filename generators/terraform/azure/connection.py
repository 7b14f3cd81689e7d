"""connection.tf: the environment's one connection secret (Key Vault secret `<env>-connection`), plus `helm_values`
for an AKS deploy.

One JSON property per env var (generators/helm/connections.py), no passwords: a database's admin password stays in
its own Key Vault secret (flexible_server.tf), which Container Apps reference by id and external-secrets by name;
Redis, Service Bus and Event Hubs use Entra ID with the workload identity. MongoDB (Cosmos) hands its whole
connection string over as a secret (`MONGODB_URI` from the `mongo-connection-string` secret)."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind
from generators.hcl import Block, Call, Ref, block
from generators.helm.connections import bucket_env, connection_secret_name, connections
from generators.terraform.azure import apm
from generators.terraform.azure.flexible_server import flexible_databases, server
from generators.terraform.azure.key_vault import vault_secret
from generators.terraform.azure.mssql import ADMIN as SQL_ADMIN
from generators.terraform.azure.mssql import admin_secret_name, sql_databases
from generators.terraform.azure.names import dashed
from generators.terraform.azure.storage import local_name as bucket_local
from generators.terraform.context import Context

PORTS = {"postgres": 5432, "mysql": 3306}


def settings(plan: Plan) -> dict[str, Any]:
    """env var -> HCL expression of its value (no passwords, no connection strings)."""
    servers = iter(flexible_databases(plan))
    sql_servers = iter(sql_databases(plan))
    values: dict[str, Any] = {}
    for conn in connections(plan.spec):
        if conn.engine in PORTS:
            local, db = next(servers)
            scheme = "postgresql" if conn.engine == "postgres" else "mysql"
            values[conn.env] = Call("format", f"{scheme}://app_admin@%s:{PORTS[conn.engine]}/app?sslmode=require",
                                    Ref(f"{server(local, db)}.fqdn"))
        elif conn.engine == "sqlserver":
            local, _db = next(sql_servers)
            values[conn.env] = Call("format", f"mssql://{SQL_ADMIN}@%s:1433/app?encrypt=true",
                                    Ref(f"azurerm_mssql_server.{local}.fully_qualified_domain_name"))
        elif conn.engine == "redis":
            values[conn.env] = Call("format", "rediss://%s:6380", Ref("azurerm_redis_cache.main.hostname"))
        elif conn.engine == "servicebus":
            values[conn.env] = Ref("azurerm_servicebus_namespace.main.endpoint")
        elif conn.engine == "kafka":
            values[conn.env] = Call("format", "%s.servicebus.windows.net:9093",
                                    Ref("azurerm_eventhub_namespace.main.name"))
    for bucket in plan.spec.buckets:
        account = f"azurerm_storage_account.{bucket_local(bucket.name)}"
        values[bucket_env(bucket.name)] = Ref(f"{account}.primary_blob_endpoint")
    return values


def password_secrets(plan: Plan) -> dict[str, tuple[str, str]]:
    """env var -> (Terraform label of its azurerm_key_vault_secret, secret name)."""
    name = plan.spec.name
    found = {}
    servers = iter(flexible_databases(plan))
    sql_servers = iter(sql_databases(plan))
    for conn in connections(plan.spec):
        if conn.engine in PORTS:
            local, _db = next(servers)
            found[conn.password_env] = (f"{local}_admin_password",
                                        dashed(name, local, "admin-password", max_length=127))
        elif conn.engine == "sqlserver":
            local, _db = next(sql_servers)
            found[conn.password_env] = (f"{local}_admin_password", admin_secret_name(name, local))
        elif conn.engine == "mongodb":
            found[conn.env] = ("mongo_connection_string", dashed(name, "mongo-connection-string", max_length=127))
    return found


def _helm_values(ctx: Context) -> dict[str, Any]:
    apm_values = apm.helm_values(ctx.plan)
    return {
        "serviceAccount": {"annotations": {
            "azure.workload.identity/client-id": Ref("azurerm_user_assigned_identity.app.client_id")}},
        "externalSecret": {
            "provider": {"azurekv": {"vaultUrl": Ref("azurerm_key_vault.main.vault_uri")}},
            "managedSecrets": {**{env: {"key": secret} for env, (_label, secret) in password_secrets(ctx.plan).items()},
                               **apm_values.get("managedSecrets", {})},
            **({"extraStores": apm_values["extraStores"]} if apm_values else {}),
        },
    }


def build(ctx: Context) -> list[Block]:
    blocks = [
        vault_secret(ctx, "connection", connection_secret_name(ctx.spec), Call("jsonencode", settings(ctx.plan))),
        block("output", "connection_secret", value=connection_secret_name(ctx.spec),
              description="Key Vault secret with the app's connection settings (the name, not the value)."),
    ]
    if ctx.spec.compute.kind == ComputeKind.kubernetes:
        blocks.append(block("output", "helm_values", value=_helm_values(ctx),
                            description="Deploy-time chart values (helm -f): workload identity and the secret store."))
    return blocks
