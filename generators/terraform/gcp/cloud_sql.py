"""cloud_sql.tf: one Cloud SQL instance per requested postgres/mysql/SQL Server database: private IP only, TLS with
client certificates (the Cloud SQL connectors / Auth Proxy provide them), IAM database authentication
for the app, backups, REGIONAL availability when HA is asked. The built-in admin password is generated
and stored in Secret Manager (secrets.tf), never output. SQL Server (license included, the edition in
`database_version`) has no IAM database authentication nor client certificates: the app logs in as `app_admin` with
the password from Secret Manager over TLS (ssl_mode ENCRYPTED_ONLY) to the private IP."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan, sqlserver_class, sqlserver_multi_az
from bot.spec import Cloud, Database, DatabaseEngine, Tier, sqlserver_edition
from generators.hcl import Block, Call, Ref, block
from generators.terraform.context import Context, database_labels, version_of
from generators.terraform.gcp.names import labels, resource_name

POSTGRES_FLAGS = {
    "cloudsql.iam_authentication": "on",
    "cloudsql.enable_pgaudit": "on",
    "log_checkpoints": "on",
    "log_connections": "on",
    "log_disconnections": "on",
    "log_duration": "on",
    "log_lock_waits": "on",
    "log_hostname": "on",
    "log_min_messages": "error",
    "log_min_error_statement": "error",
    "log_statement": "ddl",
    "log_temp_files": "0",
    "log_min_duration_statement": "-1",
}
MYSQL_FLAGS = {
    "cloudsql_iam_authentication": "on",
    "local_infile": "off",
    "skip_show_database": "on",
}
# SQL Server hardening (CIS benchmark, checked by checkov): no external scripts, cross-database ownership chaining,
# contained-database logins or remote access; trace flag 3625 masks system details in error messages.
SQLSERVER_FLAGS = {
    "external scripts enabled": "off",
    "cross db ownership chaining": "off",
    "contained database authentication": "off",
    "remote access": "off",
    "3625": "on",
}
ENGINES = {DatabaseEngine.postgres, DatabaseEngine.mysql, DatabaseEngine.sqlserver}


def sql_databases(plan: Plan) -> list[Database]:
    return [db for db in plan.spec.databases if db.engine in ENGINES]


def local_names(plan: Plan) -> list[tuple[str, Database]]:
    """(Terraform local name, database) of every Cloud SQL database."""
    return database_labels(sql_databases(plan))


def socket_names(plan: Plan) -> list[tuple[str, Database]]:
    """The Cloud SQL databases the app reaches through the Cloud SQL socket (SQL Server has none: private IP)."""
    return [(local, db) for local, db in local_names(plan) if db.engine != DatabaseEngine.sqlserver]


def database_version(db: Database, tier: Tier = Tier.dev) -> str:
    if db.engine == DatabaseEngine.sqlserver:  # e.g. SQLSERVER_2022_STANDARD
        return f"SQLSERVER_{db.version}_{sqlserver_edition(db, tier, Cloud.gcp).value.upper()}"
    if db.engine == DatabaseEngine.postgres:
        return f"POSTGRES_{version_of(db).split('.')[0]}"
    return {"5.7": "MYSQL_5_7", "8": "MYSQL_8_0", "8.0": "MYSQL_8_0", "8.4": "MYSQL_8_4"}[version_of(db)]


def applies(plan: Plan) -> bool:
    return bool(sql_databases(plan))


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for local, db in local_names(ctx.plan):
        blocks += _instance(ctx, local, db)
    return blocks


def _instance(ctx: Context, local: str, db: Database) -> list[Block]:
    if db.engine == DatabaseEngine.sqlserver:
        return _sqlserver(ctx, local, db)
    sizing = ctx.plan.sizing
    postgres = db.engine == DatabaseEngine.postgres
    flags = POSTGRES_FLAGS if postgres else MYSQL_FLAGS
    backup: dict[str, Any] = {"enabled": True, "start_time": "03:00",
                    "backup_retention_settings": block("backup_retention_settings",
                                                       retained_backups=sizing.db_backup_retention_days)}
    backup["point_in_time_recovery_enabled" if postgres else "binary_log_enabled"] = True
    settings = block(
        "settings",
        tier=sizing.db_instance_class,
        edition="ENTERPRISE",
        availability_type="REGIONAL" if sizing.db_multi_az else "ZONAL",
        disk_size=db.storage_gb,
        disk_autoresize=True,
        deletion_protection_enabled=ctx.spec.tier == Tier.prod,
        user_labels=labels(ctx),
        ip_configuration=block("ip_configuration", ipv4_enabled=False,
                               private_network=Ref("google_compute_network.main.id"),
                               ssl_mode="TRUSTED_CLIENT_CERTIFICATE_REQUIRED", enable_private_path_for_google_cloud_services=True),
        backup_configuration=block("backup_configuration", **backup),
        insights_config=block("insights_config", query_insights_enabled=True),
        database_flags=[block("database_flags", name=k, value=v) for k, v in flags.items()],
    )
    email = Ref("google_service_account.app.email")
    iam_user = (Call("trimsuffix", email, ".gserviceaccount.com") if postgres
                else Call("split", "@", email))
    return [
        block("resource", "random_id", f"sql_{local}", byte_length=2),
        block(
            "resource", "google_sql_database_instance", local,
            name=Call("format", "%s-%s", resource_name(ctx.name, local.replace("_", "-"), max_length=60),
                      Ref(f"random_id.sql_{local}.hex")),
            region=Ref("var.region"),
            database_version=database_version(db),
            deletion_protection=ctx.spec.tier == Tier.prod,
            settings=settings,
            depends_on=[Ref("google_service_networking_connection.private_services")],
        ),
        block("resource", "google_sql_database", local, name="app", instance=Ref(f"google_sql_database_instance.{local}.name")),
        block("resource", "google_sql_user", f"{local}_admin", name="app_admin",
              instance=Ref(f"google_sql_database_instance.{local}.name"),
              password=Ref(f"random_password.{local}_admin.result")),
        block("resource", "google_sql_user", f"{local}_iam",
              name=iam_user if postgres else Call("element", iam_user, 0),
              instance=Ref(f"google_sql_database_instance.{local}.name"),
              type="CLOUD_IAM_SERVICE_ACCOUNT"),
        block("output", f"{local}_connection_name", value=Ref(f"google_sql_database_instance.{local}.connection_name"),
              description=f"{db.engine.value} instance for the Cloud SQL connector (IAM auth as the app service account)."),
        block("output", f"{local}_private_ip", value=Ref(f"google_sql_database_instance.{local}.private_ip_address"),
              description=f"Private IP of the {db.engine.value} instance."),
    ]


def _sqlserver(ctx: Context, local: str, db: Database) -> list[Block]:
    """A Cloud SQL for SQL Server instance: the edition's license, root password and app login from Secret Manager
    (secrets.tf), TLS required, private IP, point-in-time recovery; REGIONAL only for Standard/Enterprise."""
    sizing = ctx.plan.sizing
    instance = Ref(f"google_sql_database_instance.{local}.name")
    settings = block(
        "settings",
        tier=sqlserver_class(ctx.plan, db),
        edition="ENTERPRISE",
        availability_type="REGIONAL" if sqlserver_multi_az(ctx.plan, db) else "ZONAL",
        disk_size=db.storage_gb,
        disk_autoresize=True,
        deletion_protection_enabled=ctx.spec.tier == Tier.prod,
        user_labels=labels(ctx),
        ip_configuration=block("ip_configuration", ipv4_enabled=False,
                               private_network=Ref("google_compute_network.main.id"), ssl_mode="ENCRYPTED_ONLY",
                               enable_private_path_for_google_cloud_services=True),
        backup_configuration=block("backup_configuration", enabled=True, start_time="03:00",
                                   point_in_time_recovery_enabled=True,
                                   backup_retention_settings=block("backup_retention_settings",
                                                                   retained_backups=sizing.db_backup_retention_days)),
        database_flags=[block("database_flags", name=k, value=v) for k, v in SQLSERVER_FLAGS.items()],
    )
    return [
        block("resource", "random_id", f"sql_{local}", byte_length=2),
        block(
            "resource", "google_sql_database_instance", local,
            name=Call("format", "%s-%s", resource_name(ctx.name, local.replace("_", "-"), max_length=60),
                      Ref(f"random_id.sql_{local}.hex")),
            region=Ref("var.region"),
            database_version=database_version(db, ctx.spec.tier),
            root_password=Ref(f"random_password.{local}_admin.result"),
            deletion_protection=ctx.spec.tier == Tier.prod,
            settings=settings,
            depends_on=[Ref("google_service_networking_connection.private_services")],
        ),
        block("resource", "google_sql_database", local, name="app", instance=instance),
        block("resource", "google_sql_user", f"{local}_admin", name="app_admin", instance=instance,
              password=Ref(f"random_password.{local}_admin.result")),
        block("output", f"{local}_private_ip", value=Ref(f"google_sql_database_instance.{local}.private_ip_address"),
              description="Private IP of the SQL Server instance."),
    ]
