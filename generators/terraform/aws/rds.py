"""rds.tf: PostgreSQL/MySQL/SQL Server on RDS with an AWS-managed master password (Secrets Manager), encryption,
backups; read replicas when the spec asks for them. The subnet group and monitoring role serve Aurora clusters too
(aurora.tf); `attribute` names the resource attribute the app's connection reads for either kind."""

from __future__ import annotations

from bot.pipeline.planning import Plan, sqlserver_class, sqlserver_multi_az
from bot.spec import Database, DatabaseEngine, SqlServerEdition, Tier, sqlserver_edition
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import KMS_ARN, NAME, PRIVATE_SUBNETS, data_security_group, protected, role
from generators.terraform.context import Context, database_labels, version_of
from generators.terraform.names import dns_label

ENGINES = {DatabaseEngine.postgres: "postgres", DatabaseEngine.mysql: "mysql", DatabaseEngine.sqlserver: "sqlserver"}
PORTS = {DatabaseEngine.postgres: 5432, DatabaseEngine.mysql: 3306, DatabaseEngine.sqlserver: 1433}
LOG_EXPORTS = {DatabaseEngine.postgres: ["postgresql", "upgrade"], DatabaseEngine.mysql: ["error", "general", "slowquery"],
               DatabaseEngine.sqlserver: ["agent", "error"]}
# RDS engine name per SQL Server edition (license included; no Express: RDS cannot encrypt it, the spec refuses it)
# and RDS major version per SQL Server release
SQLSERVER_ENGINES = {SqlServerEdition.web: "sqlserver-web", SqlServerEdition.standard: "sqlserver-se",
                     SqlServerEdition.enterprise: "sqlserver-ee"}
SQLSERVER_MAJOR = {"2019": "15.00", "2022": "16.00"}
# Enhanced Monitoring and Performance Insights (environment key) on every instance: primary, replica, Aurora member
INSTANCE_MONITORING: dict[str, object] = {
    "monitoring_interval": 60, "monitoring_role_arn": Ref("aws_iam_role.rds_monitoring.arn"),
    "performance_insights_enabled": True, "performance_insights_kms_key_id": KMS_ARN,
}
PARAMETERS = {
    DatabaseEngine.postgres: {"rds.force_ssl": "1", "log_statement": "ddl", "log_min_duration_statement": "1000"},
    DatabaseEngine.mysql: {"require_secure_transport": "1", "slow_query_log": "1"},
    DatabaseEngine.sqlserver: {"rds.force_ssl": "1"},
}
MASTER_USERNAME = "dbadmin"


def relational(plan: Plan) -> list[Database]:
    """The spec's databases that RDS serves (MongoDB goes to DocumentDB)."""
    return [db for db in plan.spec.databases if db.engine in ENGINES]


def applies(plan: Plan) -> bool:
    return bool(relational(plan))


# attribute of an RDS instance -> the same on an Aurora cluster
AURORA_ATTRIBUTES = {"address": "endpoint", "username": "master_username", "resource_id": "cluster_resource_id",
                     "identifier": "cluster_identifier"}


def attribute(label: str, db: Database, name: str) -> Ref:
    """`aws_db_instance.<label>.<name>`, or the Aurora cluster's equivalent when the database is Aurora."""
    if db.aurora:
        return Ref(f"aws_rds_cluster.{label}.{AURORA_ATTRIBUTES.get(name, name)}")
    return Ref(f"aws_db_instance.{label}.{name}")


def engine_name(plan: Plan, db: Database) -> str:
    """The RDS engine: `postgres`, `mysql`, or the SQL Server edition's `sqlserver-web|se|ee`."""
    if db.engine == DatabaseEngine.sqlserver:
        return SQLSERVER_ENGINES[sqlserver_edition(db, plan.spec.tier, plan.spec.cloud)]
    return ENGINES[db.engine]


def _engine_version(plan: Plan, db: Database) -> tuple[str, str]:
    """(engine_version, parameter group family)."""
    if db.engine == DatabaseEngine.sqlserver:  # e.g. 16.00 (newest minor), family sqlserver-se-16.0
        major = SQLSERVER_MAJOR[db.version or "2022"]
        return major, f"{engine_name(plan, db)}-{major[:-1]}"
    version = version_of(db)
    if db.engine == DatabaseEngine.postgres:
        return version, f"postgres{version}"
    version = {"8": "8.0"}.get(version, version)
    return version, f"mysql{version}"


def _sqlserver(db: Database) -> bool:
    return db.engine == DatabaseEngine.sqlserver


def instance_class(plan: Plan, db: Database) -> str:
    """SQL Server: its edition's class (planning.SQLSERVER_CLASS); PostgreSQL/MySQL: the tier's class."""
    return sqlserver_class(plan, db) if _sqlserver(db) else plan.sizing.db_instance_class


def multi_az(plan: Plan, db: Database) -> bool:
    """Planned Multi-AZ; SQL Server Web cannot fail over and stays in one zone."""
    return sqlserver_multi_az(plan, db) if _sqlserver(db) else plan.sizing.db_multi_az


def _instance(ctx: Context, db: Database, label: str) -> list[Block]:
    sizing = ctx.plan.sizing
    prod = ctx.spec.tier == Tier.prod
    version, family = _engine_version(ctx.plan, db)
    identifier = dns_label(ctx.name, label.replace("_", "-"), max_length=63)
    final_snapshot = {"final_snapshot_identifier": dns_label(identifier, "final", max_length=255)} if prod else {}
    return [
        data_security_group(ctx.plan, f"db_{label}", f"{ENGINES[db.engine]} database", PORTS[db.engine]),
        block("resource", "aws_db_parameter_group", label, name_prefix=f"{identifier}-", family=family,
              parameter=[block("parameter", name=k, value=v, apply_method="pending-reboot")
                         for k, v in PARAMETERS[db.engine].items()],
              lifecycle=block("lifecycle", create_before_destroy=True)),
        block("resource", "aws_db_instance", label, identifier=identifier, engine=engine_name(ctx.plan, db),
              engine_version=version, instance_class=instance_class(ctx.plan, db),
              **({"license_model": "license-included"} if _sqlserver(db) else {}), allocated_storage=db.storage_gb,
              max_allocated_storage=db.storage_gb * 2, storage_type="gp3", storage_encrypted=True, kms_key_id=KMS_ARN,
              username=MASTER_USERNAME, manage_master_user_password=True, master_user_secret_kms_key_id=KMS_ARN,
              # SQL Server has no IAM database authentication (its users log in with passwords or Kerberos)
              **({} if _sqlserver(db) else {"iam_database_authentication_enabled": True}),
              db_subnet_group_name=Ref("aws_db_subnet_group.main.name"),
              vpc_security_group_ids=[Ref(f"aws_security_group.db_{label}.id")],
              parameter_group_name=Ref(f"aws_db_parameter_group.{label}.name"),
              publicly_accessible=False, multi_az=multi_az(ctx.plan, db),
              backup_retention_period=sizing.db_backup_retention_days, copy_tags_to_snapshot=True,
              deletion_protection=protected(ctx.plan), skip_final_snapshot=not prod, **final_snapshot,
              auto_minor_version_upgrade=True, allow_major_version_upgrade=True,
              enabled_cloudwatch_logs_exports=LOG_EXPORTS[db.engine], **INSTANCE_MONITORING,
              apply_immediately=not prod),
        block("output", f"{label}_host", value=Ref(f"aws_db_instance.{label}.address"),
              description=f"{ENGINES[db.engine]} host name."),
        block("output", f"{label}_port", value=Ref(f"aws_db_instance.{label}.port"),
              description=f"{ENGINES[db.engine]} port."),
        block("output", f"{label}_secret_arn", value=Ref(f"aws_db_instance.{label}.master_user_secret[0].secret_arn"),
              description="Secrets Manager secret holding the master credentials (ARN only)."),
    ]


def _replicas(ctx: Context, db: Database, label: str) -> list[Block]:
    """`read_replicas` read-only copies of the instance (same class, key, parameters, network and Multi-AZ; the app
    reads them through `*_READ_URLS`, connection.tf). Credentials, engine and version come from the source."""
    if not db.read_replicas:
        return []
    sizing = ctx.plan.sizing
    base = dns_label(ctx.name, label.replace("_", "-"), "r", max_length=60)
    return [
        block("resource", "aws_db_instance", f"{label}_replica", count=db.read_replicas,
              identifier=Call("format", base + "%d", Ref("count.index")),
              replicate_source_db=Ref(f"aws_db_instance.{label}.identifier"),
              instance_class=sizing.db_instance_class, storage_type="gp3", storage_encrypted=True, kms_key_id=KMS_ARN,
              max_allocated_storage=db.storage_gb * 2,
              iam_database_authentication_enabled=True, vpc_security_group_ids=[Ref(f"aws_security_group.db_{label}.id")],
              parameter_group_name=Ref(f"aws_db_parameter_group.{label}.name"), publicly_accessible=False,
              multi_az=sizing.db_multi_az, backup_retention_period=sizing.db_backup_retention_days,
              copy_tags_to_snapshot=True, deletion_protection=protected(ctx.plan), skip_final_snapshot=True, auto_minor_version_upgrade=True,
              enabled_cloudwatch_logs_exports=LOG_EXPORTS[db.engine], **INSTANCE_MONITORING,
              apply_immediately=ctx.spec.tier != Tier.prod),
        block("output", f"{label}_replica_hosts", value=Ref(f"aws_db_instance.{label}_replica[*].address"),
              description=f"{ENGINES[db.engine]} read replica host names."),
    ]


def build(ctx: Context) -> list[Block]:
    blocks = [
        block("resource", "aws_db_subnet_group", "main", name_prefix=Call("format", "%s-", NAME),
              subnet_ids=PRIVATE_SUBNETS),
        *role("rds_monitoring", "monitoring.rds.amazonaws.com", ["service-role/AmazonRDSEnhancedMonitoringRole"], "rdsmon"),
    ]
    for label, db in database_labels(relational(ctx.plan)):
        if not db.aurora:
            blocks += _instance(ctx, db, label) + _replicas(ctx, db, label)
    return blocks
