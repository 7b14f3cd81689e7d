"""flexible_server.tf: Azure Database for PostgreSQL / MySQL flexible servers, VNet-integrated in their
delegated subnets (no public access), zone-redundant HA when asked, geo-redundant backups. The admin
password is generated into Key Vault; on PostgreSQL the workload's managed identity is an Entra admin."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import Database, DatabaseEngine, SpecError
from generators.hcl import Block, Ref, block
from generators.terraform.azure.key_vault import vault_secret
from generators.terraform.azure.names import dashed, tags, unique
from generators.terraform.azure.network import subnet_id
from generators.terraform.azure.private_dns import zone_id
from generators.terraform.azure.resource_group import APP_PRINCIPAL, LOCATION, RG, TENANT
from generators.terraform.context import Context, database_labels, version_of

MYSQL_VERSIONS = {"5.7": "5.7", "8": "8.0.21", "8.0": "8.0.21"}  # what azurerm's flexible server accepts
STORAGE_MB = (32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216)


def flexible_databases(plan: Plan) -> list[tuple[str, Database]]:
    """(Terraform local name, database) for postgres/mysql."""
    return database_labels([db for db in plan.spec.databases
                            if db.engine in {DatabaseEngine.postgres, DatabaseEngine.mysql}])


def server(local: str, db: Database) -> Ref:
    """The flexible server of a database (`azurerm_postgresql_flexible_server.<local>` or the mysql one)."""
    kind = "postgresql" if db.engine == DatabaseEngine.postgres else "mysql"
    return Ref(f"azurerm_{kind}_flexible_server.{local}")


def applies(plan: Plan) -> bool:
    return bool(flexible_databases(plan))


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for local, db in flexible_databases(ctx.plan):
        blocks += _server(ctx, local, db)
    return blocks


def _server(ctx: Context, local: str, db: Database) -> list[Block]:
    sizing = ctx.plan.sizing
    postgres = db.engine == DatabaseEngine.postgres
    kind = "postgresql" if postgres else "mysql"
    zone = db.engine.value
    body: dict[str, Any] = {
        "name": unique(ctx, local, max_length=63),
        "resource_group_name": RG,
        "location": LOCATION,
        "sku_name": sizing.db_instance_class,
        "administrator_login": "app_admin",
        "administrator_password": Ref(f"random_password.{local}_admin.result"),
        "delegated_subnet_id": subnet_id(zone),
        "private_dns_zone_id": zone_id(zone),
        "backup_retention_days": sizing.db_backup_retention_days,
        "geo_redundant_backup_enabled": True,
        "tags": tags(ctx),
    }
    if postgres:
        body.update(version=version_of(db).split(".")[0], storage_mb=next(s for s in STORAGE_MB if s >= db.storage_gb * 1024),
                    public_network_access_enabled=False,
                    authentication=block("authentication", active_directory_auth_enabled=True,
                                         password_auth_enabled=True, tenant_id=TENANT))
    else:
        if db.version not in MYSQL_VERSIONS:
            reason = f"databases.version: mysql {db.version} is not offered on azure (use one of 5.7, 8.0)"
            raise SpecError(ctx.name, [reason])
        body.update(version=MYSQL_VERSIONS[db.version], public_network_access="Disabled",
                    storage=block("storage", size_gb=max(20, db.storage_gb), auto_grow_enabled=True))
    if sizing.db_multi_az:
        body["zone"] = "1"
        body["high_availability"] = block("high_availability", mode="ZoneRedundant", standby_availability_zone="2")
        # after a failover Azure swaps the zones; do not fail back on the next apply
        body["lifecycle"] = block("lifecycle", ignore_changes=[
            Ref("zone"), Ref("high_availability[0].standby_availability_zone")])
    body["depends_on"] = [Ref(f"azurerm_private_dns_zone_virtual_network_link.{zone}")]
    address = server(local, db)
    blocks = [
        block("resource", "random_password", f"{local}_admin", length=32, special=True, override_special="-_=+.~"),
        vault_secret(ctx, f"{local}_admin_password", dashed(ctx.name, local, "admin-password", max_length=127),
                     Ref(f"random_password.{local}_admin.result")),
        block("resource", f"azurerm_{kind}_flexible_server", local, **body),
    ]
    if postgres:
        blocks.append(block("resource", "azurerm_postgresql_flexible_server_database", local, name="app",
                            server_id=Ref(f"{address}.id"), charset="UTF8", collation="en_US.utf8"))
    else:
        blocks.append(block("resource", "azurerm_mysql_flexible_database", local, name="app", resource_group_name=RG,
                            server_name=Ref(f"{address}.name"), charset="utf8mb4", collation="utf8mb4_unicode_ci"))
    if postgres:
        blocks.append(block(
            "resource", "azurerm_postgresql_flexible_server_active_directory_administrator", local,
            server_name=Ref(f"{address}.name"), resource_group_name=RG, tenant_id=TENANT, object_id=APP_PRINCIPAL,
            principal_name=Ref("azurerm_user_assigned_identity.app.name"), principal_type="ServicePrincipal"))
    else:
        blocks.append(block("resource", "azurerm_mysql_flexible_server_configuration", f"{local}_tls",
                            name="tls_version", resource_group_name=RG, server_name=Ref(f"{address}.name"),
                            value="TLSv1.2"))
    blocks.append(block("output", f"{local}_host", value=Ref(f"{address}.fqdn"),
                        description=f"Private host name of the {db.engine.value} server."))
    blocks.append(block("output", f"{local}_admin_password_secret", value=dashed(ctx.name, local, "admin-password", max_length=127),
                        description="Key Vault secret holding the admin password (the name, not the value)."))
    return blocks
