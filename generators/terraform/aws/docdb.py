"""docdb.tf: MongoDB requests become Amazon DocumentDB (TLS, encrypted, managed master password, audit logs)."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import DatabaseEngine, Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import KMS_ARN, NAME, PRIVATE_SUBNETS, data_security_group, protected
from generators.terraform.context import Context, version_of
from generators.terraform.names import dns_label

PORT = 27017
INSTANCE_CLASS = {Tier.dev: "db.t3.medium", Tier.staging: "db.t3.medium", Tier.prod: "db.r6g.large"}


def applies(plan: Plan) -> bool:
    return any(db.engine == DatabaseEngine.mongodb for db in plan.spec.databases)


def build(ctx: Context) -> list[Block]:
    db = next(db for db in ctx.spec.databases if db.engine == DatabaseEngine.mongodb)
    prod = ctx.spec.tier == Tier.prod
    identifier = dns_label(ctx.name, "docdb", max_length=63)
    version = version_of(db)
    version = version if "." in version else f"{version}.0"
    final_snapshot = {"final_snapshot_identifier": dns_label(identifier, "final")} if prod else {}
    instances = 2 if ctx.plan.sizing.db_multi_az else 1
    return [
        data_security_group(ctx.plan, "docdb", "DocumentDB", PORT),
        block("resource", "aws_docdb_subnet_group", "main", name_prefix=Call("format", "%s-", NAME),
              subnet_ids=PRIVATE_SUBNETS),
        block("resource", "aws_docdb_cluster_parameter_group", "main", name_prefix=f"{identifier}-",
              family=f"docdb{version}",
              parameter=[block("parameter", name="tls", value="enabled"),
                         block("parameter", name="audit_logs", value="enabled")]),
        block("resource", "aws_docdb_cluster", "main", cluster_identifier=identifier, engine="docdb",
              engine_version=version, master_username="dbadmin", manage_master_user_password=True,
              storage_encrypted=True, kms_key_id=KMS_ARN, db_subnet_group_name=Ref("aws_docdb_subnet_group.main.name"),
              db_cluster_parameter_group_name=Ref("aws_docdb_cluster_parameter_group.main.name"),
              vpc_security_group_ids=[Ref("aws_security_group.docdb.id")],
              backup_retention_period=ctx.plan.sizing.db_backup_retention_days,
              enabled_cloudwatch_logs_exports=["audit", "profiler"], deletion_protection=protected(ctx.plan),
              skip_final_snapshot=not prod, **final_snapshot, apply_immediately=not prod),
        block("resource", "aws_docdb_cluster_instance", "main", count=instances,
              identifier=Call("format", identifier + "-%d", Ref("count.index")),
              cluster_identifier=Ref("aws_docdb_cluster.main.id"), instance_class=INSTANCE_CLASS[ctx.spec.tier],
              auto_minor_version_upgrade=True),
        block("output", "docdb_host", value=Ref("aws_docdb_cluster.main.endpoint"), description="DocumentDB endpoint."),
        block("output", "docdb_secret_arn", value=Ref("aws_docdb_cluster.main.master_user_secret[0].secret_arn"),
              description="Secrets Manager secret holding the master credentials (ARN only)."),
    ]
