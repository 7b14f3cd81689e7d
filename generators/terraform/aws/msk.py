"""msk.tf: Kafka on Amazon MSK: IAM client auth (no passwords), TLS, KMS at rest, broker logs to CloudWatch."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import QueueEngine, Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import KMS_ARN, NAME, PRIVATE_SUBNETS, data_security_group, log_group
from generators.terraform.context import Context
from generators.terraform.names import dns_label

PORT = 9098
KAFKA_VERSION = "3.6.0"
INSTANCE = {Tier.dev: "kafka.t3.small", Tier.staging: "kafka.m5.large", Tier.prod: "kafka.m5.large"}


def applies(plan: Plan) -> bool:
    return plan.spec.queue is not None and plan.spec.queue.engine == QueueEngine.kafka


def build(ctx: Context) -> list[Block]:
    return [
        data_security_group(ctx.plan, "kafka", "Kafka (IAM over TLS)", PORT),
        log_group("kafka", Call("format", "/dev-agent/%s/kafka", NAME), ctx.plan),
        block("resource", "aws_msk_cluster", "main", cluster_name=dns_label(ctx.name, "kafka", max_length=64),
              kafka_version=KAFKA_VERSION, number_of_broker_nodes=ctx.plan.sizing.availability_zones,
              broker_node_group_info=block(
                  "broker_node_group_info", instance_type=INSTANCE[ctx.spec.tier], client_subnets=PRIVATE_SUBNETS,
                  security_groups=[Ref("aws_security_group.kafka.id")],
                  storage_info=block("storage_info", ebs_storage_info=block("ebs_storage_info", volume_size=20)),
                  connectivity_info=block("connectivity_info", public_access=block("public_access", type="DISABLED"))),
              client_authentication=block("client_authentication", unauthenticated=False,
                                          sasl=block("sasl", iam=True)),
              encryption_info=block("encryption_info", encryption_at_rest_kms_key_arn=KMS_ARN,
                                    encryption_in_transit=block("encryption_in_transit", client_broker="TLS",
                                                                in_cluster=True)),
              logging_info=block("logging_info", broker_logs=block("broker_logs", cloudwatch_logs=block(
                  "cloudwatch_logs", enabled=True, log_group=Ref("aws_cloudwatch_log_group.kafka.name"))))),
        block("output", "kafka_bootstrap_brokers", value=Ref("aws_msk_cluster.main.bootstrap_brokers_sasl_iam"),
              description="Kafka bootstrap brokers (SASL/IAM over TLS)."),
    ]
