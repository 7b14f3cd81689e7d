"""cloud_sql.tf: one Cloud SQL instance per requested postgres/mysql database: private IP only, TLS with
client certificates (the Cloud SQL connectors / Auth Proxy provide them), IAM database authentication
for the app, backups, REGIONAL availability when HA is asked. The built-in admin password is generated
and stored in Secret Manager (secrets.tf), never output."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import Database, DatabaseEngine, Tier
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


def sql_databases(plan: Plan) -> list[Database]:
    return [db for db in plan.spec.databases if db.engine in {DatabaseEngine.postgres, DatabaseEngine.mysql}]


def local_names(plan: Plan) -> list[tuple[str, Database]]:
    """(Terraform local name, database) of every Cloud SQL database."""
    return database_labels(sql_databases(plan))


def database_version(db: Database) -> str:
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
