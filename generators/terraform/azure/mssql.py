"""mssql.tf: SQL Server requests become Azure SQL Database: a logical server reachable only through its private
endpoint (TLS 1.2, no public network access), the workload identity as its Entra admin, the SQL admin password
generated into Key Vault, auditing to the environment's Log Analytics workspace, Microsoft Defender threat detection,
and one database `app` whose size follows the edition (planning.SQLSERVER_CLASS); zone redundant with HA."""

from __future__ import annotations

from bot.pipeline.planning import Plan, sqlserver_class, sqlserver_multi_az
from bot.spec import Database, DatabaseEngine, SpecError
from generators.hcl import Block, Call, Ref, block
from generators.terraform.azure.key_vault import vault_secret
from generators.terraform.azure.names import dashed, tags, unique
from generators.terraform.azure.observability import WORKSPACE
from generators.terraform.azure.private_dns import private_endpoint
from generators.terraform.azure.resource_group import APP_PRINCIPAL, LOCATION, RG, TENANT
from generators.terraform.context import Context, database_labels

ADMIN = "app_admin"
AUDIT_RETENTION_DAYS = 90
DTU_SIZES_GB = (1, 2, 5, 10, 20, 30, 40, 50, 100, 150, 200, 250)  # what Standard (S0-S2) databases may be sized at


def sql_databases(plan: Plan) -> list[tuple[str, Database]]:
    """(Terraform local name, database) for SQL Server: `sqlserver`, `sqlserver_2`, ..."""
    return database_labels([db for db in plan.spec.databases if db.engine == DatabaseEngine.sqlserver])


def applies(plan: Plan) -> bool:
    return bool(sql_databases(plan))


def admin_secret_name(ctx_name: str, local: str) -> str:
    """Key Vault secret holding a server's SQL admin password."""
    return dashed(ctx_name, local, "admin-password", max_length=127)


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for local, db in sql_databases(ctx.plan):
        blocks += _server(ctx, local, db)
    return blocks


def _server(ctx: Context, local: str, db: Database) -> list[Block]:
    server = Ref(f"azurerm_mssql_server.{local}")
    sku = sqlserver_class(ctx.plan, db)
    vcore = sku.startswith(("GP_", "BC_"))
    size = db.storage_gb if vcore else next((s for s in DTU_SIZES_GB if s >= db.storage_gb), None)
    if size is None:
        raise SpecError(ctx.name, [f"databases.storage_gb: {db.storage_gb} GB is above the 250 GB an Azure SQL "
                                   f"Standard ({sku}) database holds; use edition standard or enterprise (vCores)"])
    return [
        block("resource", "random_password", f"{local}_admin", length=32, special=True, override_special="-_=+.~"),
        vault_secret(ctx, f"{local}_admin_password", admin_secret_name(ctx.name, local),
                     Ref(f"random_password.{local}_admin.result")),
        block("resource", "azurerm_mssql_server", local, name=unique(ctx, local, max_length=63), resource_group_name=RG,
              location=LOCATION, version="12.0", administrator_login=ADMIN,
              administrator_login_password=Ref(f"random_password.{local}_admin.result"),
              minimum_tls_version="1.2", public_network_access_enabled=False, tags=tags(ctx),
              azuread_administrator=block("azuread_administrator", login_username=Ref(
                  "azurerm_user_assigned_identity.app.name"), object_id=APP_PRINCIPAL, tenant_id=TENANT),
              identity=block("identity", type="SystemAssigned")),
        private_endpoint(ctx, local, Ref(f"{server}.id"), "sqlServer", "sqlserver"),
        block("resource", "azurerm_mssql_database", local, name="app", server_id=Ref(f"{server}.id"), sku_name=sku,
              max_size_gb=size, zone_redundant=vcore and sqlserver_multi_az(ctx.plan, db),
              transparent_data_encryption_enabled=True, tags=tags(ctx),
              short_term_retention_policy=block("short_term_retention_policy",
                                                retention_days=ctx.plan.sizing.db_backup_retention_days),
              threat_detection_policy=block("threat_detection_policy", state="Enabled",
                                            email_account_admins="Enabled",
                                            retention_days=AUDIT_RETENTION_DAYS)),
        # audit events go to the environment's Log Analytics workspace (through the master database's diagnostics)
        block("resource", "azurerm_mssql_server_extended_auditing_policy", local, server_id=Ref(f"{server}.id"),
              log_monitoring_enabled=True, retention_in_days=AUDIT_RETENTION_DAYS),
        block("resource", "azurerm_monitor_diagnostic_setting", f"{local}_audit",
              name=dashed(ctx.name, local, "audit", max_length=80),
              target_resource_id=Call("format", "%s/databases/master", Ref(f"{server}.id")),
              log_analytics_workspace_id=WORKSPACE,
              enabled_log=block("enabled_log", category="SQLSecurityAuditEvents")),
        block("resource", "azurerm_mssql_server_security_alert_policy", local, resource_group_name=RG,
              server_name=Ref(f"{server}.name"), state="Enabled", retention_days=AUDIT_RETENTION_DAYS,
              email_account_admins=True),
        block("output", f"{local}_host", value=Ref(f"{server}.fully_qualified_domain_name"),
              description="Host name of the SQL server (resolves to its private endpoint inside the VNet)."),
        block("output", f"{local}_admin_password_secret", value=admin_secret_name(ctx.name, local),
              description="Key Vault secret holding the SQL admin password (the name, not the value)."),
    ]
