"""mq.tf: RabbitMQ on Amazon MQ in private subnets; the generated password lives in Secrets Manager."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import QueueEngine, Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import KMS_ARN, NAME, PRIVATE_SUBNETS, data_security_group
from generators.terraform.context import Context
from generators.terraform.names import dns_label

PORT = 5671
ENGINE_VERSION = "3.13"
INSTANCE = {Tier.dev: "mq.t3.micro", Tier.staging: "mq.m5.large", Tier.prod: "mq.m5.large"}
USERNAME = "app"


def applies(plan: Plan) -> bool:
    return plan.spec.queue is not None and plan.spec.queue.engine == QueueEngine.rabbitmq


def build(ctx: Context) -> list[Block]:
    cluster = ctx.spec.tier == Tier.prod
    return [
        data_security_group(ctx.plan, "mq", "RabbitMQ (AMQPS)", PORT),
        block("data", "aws_secretsmanager_random_password", "mq", password_length=32, exclude_punctuation=True),
        block("resource", "aws_secretsmanager_secret", "mq", name_prefix=Call("format", "%s-mq-", NAME),
              kms_key_id=KMS_ARN, recovery_window_in_days=0 if ctx.spec.tier == Tier.dev else 7),
        block("resource", "aws_secretsmanager_secret_version", "mq", secret_id=Ref("aws_secretsmanager_secret.mq.id"),
              secret_string=Call("jsonencode", {"username": USERNAME,
                                                "password": Ref("data.aws_secretsmanager_random_password.mq.random_password")}),
              lifecycle=block("lifecycle", ignore_changes=[Ref("secret_string")])),
        block("resource", "aws_mq_broker", "main", broker_name=dns_label(ctx.name, "mq", max_length=50),
              engine_type="RabbitMQ", engine_version=ENGINE_VERSION, host_instance_type=INSTANCE[ctx.spec.tier],
              deployment_mode="CLUSTER_MULTI_AZ" if cluster else "SINGLE_INSTANCE",
              subnet_ids=PRIVATE_SUBNETS if cluster else [Call("element", PRIVATE_SUBNETS, 0)],
              security_groups=[Ref("aws_security_group.mq.id")], publicly_accessible=False,
              auto_minor_version_upgrade=True, apply_immediately=not cluster,
              encryption_options=block("encryption_options", kms_key_id=KMS_ARN, use_aws_owned_key=False),
              logs=block("logs", general=True),
              user=block("user", username=USERNAME,
                         password=Call(
                             "lookup", Call("jsondecode", Ref("aws_secretsmanager_secret_version.mq.secret_string")),
                             "password")),
              lifecycle=block("lifecycle", ignore_changes=[Ref("user")])),
        block("output", "mq_endpoint", value=Ref("aws_mq_broker.main.instances[0].endpoints[0]"),
              description="AMQPS endpoint."),
        block("output", "mq_secret_arn", value=Ref("aws_secretsmanager_secret.mq.arn"),
              description="Secrets Manager secret holding the broker credentials (ARN only)."),
    ]
