"""access.tf: the app's own IAM policy, from one table of grants per data service (least privilege).

`GRANTS` maps each data service to the actions the app needs on exactly that environment's resources
(the bucket, the queue, the connection secret, the database's managed secret and IAM auth user, ...).
The policy is attached to the role the compute runs as: the EKS Pod Identity role, the ECS task role,
the Lambda role or the VM instance role (`WORKLOAD_ROLE`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import CacheEngine, ComputeKind, DatabaseEngine, QueueEngine
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws import apm
from generators.terraform.aws.dynamodb import labels as table_labels
from generators.terraform.aws.rds import attribute
from generators.terraform.aws.s3 import labels
from generators.terraform.aws.shared import ACCOUNT_ID, KMS_ARN, NAME, PARTITION, REGION
from generators.terraform.context import Context, database_labels

# The role each compute kind runs the app as (a Terraform label of aws_iam_role).
WORKLOAD_ROLE: dict[ComputeKind, str] = {
    ComputeKind.kubernetes: "app",
    ComputeKind.containers: "task",
    ComputeKind.functions: "lambda",
    ComputeKind.vm: "vm",
}
CONNECTION_SECRET_ARN = Ref("aws_secretsmanager_secret.connection.arn")
# The database user the app logs in as with an IAM token (created once: CREATE USER app; GRANT rds_iam TO app).
IAM_DB_USER = "app"
RDS_ENGINES = {DatabaseEngine.postgres, DatabaseEngine.mysql, DatabaseEngine.sqlserver}
IAM_AUTH_ENGINES = {DatabaseEngine.postgres, DatabaseEngine.mysql}  # SQL Server has no IAM database authentication


@dataclass(frozen=True)
class Grant:
    """One policy statement: `actions` on `resources` (HCL expressions naming the environment's own resources)."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[Any, ...]


def _connection(plan: Plan) -> list[Grant]:
    return [Grant("ReadConnectionSettings", ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
                  (CONNECTION_SECRET_ARN,))]


def _kms(plan: Plan) -> list[Grant]:
    """The environment key encrypts the secrets, queue and buckets the app reads and writes."""
    return [Grant("UseEnvironmentKey", ("kms:Decrypt", "kms:GenerateDataKey"), (KMS_ARN,))]


def _rds(plan: Plan) -> list[Grant]:
    grants = []
    relational = [db for db in plan.spec.databases if db.engine in RDS_ENGINES]
    for label, db in database_labels(relational):
        sid = "".join(part.capitalize() for part in label.split("_"))
        grants.append(Grant(f"Read{sid}MasterSecret", ("secretsmanager:GetSecretValue",),
                            (attribute(label, db, "master_user_secret[0].secret_arn"),)))
        if db.engine in IAM_AUTH_ENGINES:
            grants.append(Grant(f"Connect{sid}WithIam", ("rds-db:connect",), (Call(
                "format", "arn:%s:rds-db:%s:%s:dbuser:%s/" + IAM_DB_USER, PARTITION, REGION, ACCOUNT_ID,
                attribute(label, db, "resource_id")),)))
    return grants


def _docdb(plan: Plan) -> list[Grant]:
    if not any(db.engine == DatabaseEngine.mongodb for db in plan.spec.databases):
        return []
    return [Grant("ReadDocumentDbMasterSecret", ("secretsmanager:GetSecretValue",),
                  (Ref("aws_docdb_cluster.main.master_user_secret[0].secret_arn"),))]


def _redis(plan: Plan) -> list[Grant]:
    if plan.spec.cache is None or plan.spec.cache.engine != CacheEngine.redis:
        return []
    return [Grant("ConnectRedisWithIam", ("elasticache:Connect",),
                  (Ref("aws_elasticache_replication_group.main.arn"), Ref("aws_elasticache_user.app.arn")))]


def _queue(engine: QueueEngine) -> Callable[[Plan], list[Grant]]:
    def grants(plan: Plan) -> list[Grant]:
        if plan.spec.queue is None or plan.spec.queue.engine != engine:
            return []
        return QUEUE_GRANTS[engine]
    return grants


QUEUE_GRANTS: dict[QueueEngine, list[Grant]] = {
    QueueEngine.sqs: [Grant("UseQueue", ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                                         "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"),
                            (Ref("aws_sqs_queue.main.arn"),))],
    QueueEngine.rabbitmq: [Grant("ReadBrokerSecret", ("secretsmanager:GetSecretValue",),
                                 (Ref("aws_secretsmanager_secret.mq.arn"),))],
    QueueEngine.kafka: [
        Grant("ConnectKafka", ("kafka-cluster:Connect", "kafka-cluster:DescribeCluster"),
              (Ref("aws_msk_cluster.main.arn"),)),
        Grant("UseKafkaTopics", ("kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData",
                                 "kafka-cluster:WriteData"),
              (Call("format", "%s/*", Call("replace", Ref("aws_msk_cluster.main.arn"), ":cluster/", ":topic/")),)),
        Grant("UseKafkaGroups", ("kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"),
              (Call("format", "%s/*", Call("replace", Ref("aws_msk_cluster.main.arn"), ":cluster/", ":group/")),)),
    ],
}


def _search(plan: Plan) -> list[Grant]:
    if plan.spec.search is None:
        return []
    return [Grant("UseSearch", ("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"),
                  (Call("format", "%s/*", Ref("aws_opensearch_domain.main.arn")),))]


def _buckets(plan: Plan) -> list[Grant]:
    grants = []
    for label in labels(plan):
        arn = Ref(f"aws_s3_bucket.{label}.arn")
        sid = "".join(part.capitalize() for part in label.split("_"))
        grants.append(Grant(f"List{sid}", ("s3:ListBucket",), (arn,)))
        grants.append(Grant(f"ReadWrite{sid}Objects", ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                            (Call("format", "%s/*", arn),)))
    return grants


TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem",
                 "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                 "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable")


def _tables(plan: Plan) -> list[Grant]:
    """Item reads and writes on each requested table and its indexes (no table management, no other table)."""
    grants = []
    for label, _table in table_labels(plan):
        arn = Ref(f"aws_dynamodb_table.{label}.arn")
        sid = "".join(part.capitalize() for part in label.split("_"))
        grants.append(Grant(f"ReadWrite{sid}Table", TABLE_ACTIONS, (arn, Call("format", "%s/index/*", arn))))
    return grants


def _notifications(plan: Plan) -> list[Grant]:
    if not plan.spec.notifications:
        return []
    return [Grant("PublishNotifications", ("sns:Publish",), (Ref("aws_sns_topic.notifications.arn"),))]


def _monitoring_keys(plan: Plan) -> list[Grant]:
    """Lambda and VMs read their Datadog / New Relic key themselves (ECS injects it: ecs.tf's execution role)."""
    arns = apm.workload_secret_arns(plan)
    return [Grant("ReadMonitoringKeys", ("secretsmanager:GetSecretValue",), tuple(arns))] if arns else []


# One entry per data service: what the app may do on that service's resources, and nothing else.
GRANTS: dict[str, Callable[[Plan], list[Grant]]] = {
    "connection secret": _connection,
    "environment key": _kms,
    "postgres/mysql (RDS)": _rds,
    "mongodb (DocumentDB)": _docdb,
    "redis (ElastiCache)": _redis,
    "sqs": _queue(QueueEngine.sqs),
    "rabbitmq (Amazon MQ)": _queue(QueueEngine.rabbitmq),
    "kafka (MSK)": _queue(QueueEngine.kafka),
    "opensearch": _search,
    "buckets (S3)": _buckets,
    "tables (DynamoDB)": _tables,
    "notifications (SNS)": _notifications,
    "monitoring keys (Datadog / New Relic)": _monitoring_keys,
}


def grants(plan: Plan) -> list[Grant]:
    """Every statement of the app's policy, in table order."""
    return [grant for service in GRANTS.values() for grant in service(plan)]


def runtime_secret_arns(plan: Plan) -> list[Any]:
    """Secrets the runtime itself injects (ECS `secrets`): the connection secret and the databases' managed secrets."""
    return [resource for grant in grants(plan) if grant.actions == ("secretsmanager:GetSecretValue",)
            for resource in grant.resources] + [CONNECTION_SECRET_ARN]


def policy_document(label: str, statements: list[Grant]) -> Block:
    """A `data "aws_iam_policy_document"` with one statement per grant."""
    return block("data", "aws_iam_policy_document", label, statement=[
        block("statement", sid=g.sid, effect="Allow", actions=list(g.actions), resources=list(g.resources))
        for g in statements])


def build(ctx: Context) -> list[Block]:
    role = WORKLOAD_ROLE[ctx.spec.compute.kind]
    return [
        policy_document("app", grants(ctx.plan)),
        block("resource", "aws_iam_policy", "app", name_prefix=Call("format", "%s-app-", Call("substr", NAME, 0, 40)),
              description="What the app may do on the environment's own data services",
              policy=Ref("data.aws_iam_policy_document.app.json")),
        block("resource", "aws_iam_role_policy_attachment", "app", role=Ref(f"aws_iam_role.{role}.name"),
              policy_arn=Ref("aws_iam_policy.app.arn")),
        block("output", "app_role_arn", value=Ref(f"aws_iam_role.{role}.arn"),
              description="IAM role the app runs as (its only permissions are in access.tf)."),
    ]
