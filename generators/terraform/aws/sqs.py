"""sqs.tf: the app queue with a dead-letter queue, both encrypted with the environment key."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import QueueEngine
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import KMS_ARN, NAME
from generators.terraform.context import Context

MAX_RECEIVES = 5


def applies(plan: Plan) -> bool:
    return plan.spec.queue is not None and plan.spec.queue.engine == QueueEngine.sqs


def build(ctx: Context) -> list[Block]:
    return [
        block("resource", "aws_sqs_queue", "dlq", name=Call("format", "%s-dlq", NAME), kms_master_key_id=KMS_ARN,
              message_retention_seconds=1209600),
        block("resource", "aws_sqs_queue", "main", name=Call("format", "%s-queue", NAME), kms_master_key_id=KMS_ARN,
              kms_data_key_reuse_period_seconds=300, visibility_timeout_seconds=60,
              redrive_policy=Call("jsonencode", {"deadLetterTargetArn": Ref("aws_sqs_queue.dlq.arn"),
                                                 "maxReceiveCount": MAX_RECEIVES})),
        block("output", "queue_url", value=Ref("aws_sqs_queue.main.url"), description="SQS queue URL."),
    ]
