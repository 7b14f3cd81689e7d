"""aurora.tf: an Aurora cluster (PostgreSQL or MySQL 8.0) for each spec database with `aurora: true`.

Same guarantees as rds.tf: AWS-managed master password in Secrets Manager (environment key), storage encrypted with
the environment key, IAM database authentication, TLS forced by the cluster parameter group, logs exported to
CloudWatch, backups kept `db_backup_retention_days`, deletion protection in prod, the app's security group only.
Aurora MySQL keeps a one-day backtrack window. Instances: one writer plus `read_replicas` readers (a Multi-AZ
plan adds one standby reader when none was asked for); the app writes through the cluster endpoint
(`DATABASE_URL`) and reads through the reader endpoint (`DATABASE_READ_URLS`, connection.tf).
The subnet group and the enhanced-monitoring role come from rds.tf.
"""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import Database, DatabaseEngine, Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.rds import INSTANCE_MONITORING, PORTS, relational
from generators.terraform.aws.shared import KMS_ARN, data_security_group, protected
from generators.terraform.context import Context, database_labels
from generators.terraform.names import dns_label

ENGINES = {DatabaseEngine.postgres: "aurora-postgresql", DatabaseEngine.mysql: "aurora-mysql"}
MYSQL_VERSION = "8.0.mysql_aurora.3.08.0"  # Aurora MySQL 3 (MySQL 8.0-compatible)
BACKTRACK_SECONDS = 24 * 3600  # Aurora MySQL can rewind the cluster up to a day (priced per change record)
LOG_EXPORTS = {DatabaseEngine.postgres: ["postgresql"], DatabaseEngine.mysql: ["audit", "error", "general", "slowquery"]}
PARAMETERS = {
    DatabaseEngine.postgres: {"rds.force_ssl": "1", "log_statement": "ddl", "log_min_duration_statement": "1000"},
    DatabaseEngine.mysql: {"require_secure_transport": "ON", "slow_query_log": "1", "server_audit_logging": "1",
                           "server_audit_events": "CONNECT,QUERY_DDL"},
}
# Aurora runs on fewer classes than RDS: the planner's RDS class -> the nearest Aurora class (priced in rds.yaml, allowed
# by the default org policy): burstable db.t3 below prod, memory-optimised db.r6g in prod (Aurora has no db.m5).
CLASSES = {"db.t3.micro": "db.t3.medium", "db.t3.small": "db.t3.medium", "db.t3.medium": "db.t3.medium",
           "db.t3.large": "db.t3.large", "db.m5.large": "db.r6g.large", "db.m5.xlarge": "db.r6g.large",
           "db.m5.2xlarge": "db.r6g.large"}


def clusters(plan: Plan) -> list[tuple[str, Database]]:
    """(label, database) of the spec's Aurora databases (labels shared with rds.tf)."""
    return [(label, db) for label, db in database_labels(relational(plan)) if db.aurora]


def applies(plan: Plan) -> bool:
    return bool(clusters(plan))


def instance_class(plan: Plan) -> str:
    """The Aurora class for the plan's database size."""
    return CLASSES.get(plan.sizing.db_instance_class, plan.sizing.db_instance_class)


def instance_count(plan: Plan, db: Database) -> int:
    """Writer plus readers: the requested readers, at least one standby reader when the plan is Multi-AZ."""
    return 1 + max(db.read_replicas, 1 if plan.sizing.db_multi_az else 0)


def _version(db: Database) -> tuple[str, str]:
    """(engine_version, cluster parameter group family)."""
    if db.engine == DatabaseEngine.postgres:
        return str(db.version), f"aurora-postgresql{db.version}"
    return MYSQL_VERSION, "aurora-mysql8.0"


def _cluster(ctx: Context, label: str, db: Database) -> list[Block]:
    sizing = ctx.plan.sizing
    prod = ctx.spec.tier == Tier.prod
    version, family = _version(db)
    identifier = dns_label(ctx.name, label.replace("_", "-"), max_length=60)
    final_snapshot = {"final_snapshot_identifier": dns_label(identifier, "final", max_length=255)} if prod else {}
    engine = ENGINES[db.engine]
    return [
        data_security_group(ctx.plan, f"db_{label}", f"{engine} database", PORTS[db.engine]),
        block("resource", "aws_rds_cluster_parameter_group", label, name_prefix=f"{identifier}-", family=family,
              parameter=[block("parameter", name=k, value=v, apply_method="pending-reboot")
                         for k, v in PARAMETERS[db.engine].items()],
              lifecycle=block("lifecycle", create_before_destroy=True)),
        block("resource", "aws_rds_cluster", label, cluster_identifier=identifier, engine=engine,
              engine_version=version, allow_major_version_upgrade=True, master_username="dbadmin",
              manage_master_user_password=True,
              master_user_secret_kms_key_id=KMS_ARN, storage_encrypted=True, kms_key_id=KMS_ARN,
              iam_database_authentication_enabled=True, db_subnet_group_name=Ref("aws_db_subnet_group.main.name"),
              vpc_security_group_ids=[Ref(f"aws_security_group.db_{label}.id")],
              db_cluster_parameter_group_name=Ref(f"aws_rds_cluster_parameter_group.{label}.name"),
              backup_retention_period=sizing.db_backup_retention_days, copy_tags_to_snapshot=True,
              deletion_protection=protected(ctx.plan), skip_final_snapshot=not prod, **final_snapshot,
              enabled_cloudwatch_logs_exports=LOG_EXPORTS[db.engine], apply_immediately=not prod,
              **({"backtrack_window": BACKTRACK_SECONDS} if db.engine == DatabaseEngine.mysql else {})),
        block("resource", "aws_rds_cluster_instance", label, count=instance_count(ctx.plan, db),
              identifier=Call("format", identifier + "-%d", Ref("count.index")),
              cluster_identifier=Ref(f"aws_rds_cluster.{label}.id"), engine=Ref(f"aws_rds_cluster.{label}.engine"),
              engine_version=Ref(f"aws_rds_cluster.{label}.engine_version"),
              instance_class=instance_class(ctx.plan), db_subnet_group_name=Ref("aws_db_subnet_group.main.name"),
              publicly_accessible=False, auto_minor_version_upgrade=True, copy_tags_to_snapshot=True,
              **INSTANCE_MONITORING, apply_immediately=not prod),
        block("output", f"{label}_host", value=Ref(f"aws_rds_cluster.{label}.endpoint"),
              description=f"{engine} writer endpoint."),
        block("output", f"{label}_reader_host", value=Ref(f"aws_rds_cluster.{label}.reader_endpoint"),
              description=f"{engine} reader endpoint (spreads connections over the readers)."),
        block("output", f"{label}_port", value=Ref(f"aws_rds_cluster.{label}.port"), description=f"{engine} port."),
        block("output", f"{label}_secret_arn", value=Ref(f"aws_rds_cluster.{label}.master_user_secret[0].secret_arn"),
              description="Secrets Manager secret holding the master credentials (ARN only)."),
    ]


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for label, db in clusters(ctx.plan):
        blocks += _cluster(ctx, label, db)
    return blocks
