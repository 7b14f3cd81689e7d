"""notifications.tf: an SNS topic the app publishes its own notifications to (`notifications: true`).

Encrypted with the environment key (the app's role may use it: access.tf), published to only by principals of this
account, over TLS only; the app's role may publish to exactly this topic and finds its ARN in
`NOTIFICATIONS_TOPIC_ARN` (connection.tf). Subscribers (email, HTTPS, SQS, Lambda) are the topic owner's choice
and are added outside dev-agent. The alarms' topic (alarms.tf) is separate: alarms never reach the app's subscribers.
"""

from __future__ import annotations

from bot.pipeline.planning import Plan
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import ACCOUNT_ID, KMS_ARN, NAME, PARTITION
from generators.terraform.context import Context

TOPIC = Ref("aws_sns_topic.notifications.arn")


def applies(plan: Plan) -> bool:
    return plan.spec.notifications


def build(ctx: Context) -> list[Block]:
    policy = Call("jsonencode", {"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountOnly", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC,
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT_ID}}},
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "OwnerManages", "Effect": "Allow",
         "Principal": {"AWS": Call("format", "arn:%s:iam::%s:root", PARTITION, ACCOUNT_ID)},
         "Action": ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
                    "sns:ListSubscriptionsByTopic"], "Resource": TOPIC}]})
    return [
        block("resource", "aws_sns_topic", "notifications", name=Call("format", "%s-notifications", NAME),
              display_name=f"{ctx.name} notifications", kms_master_key_id=KMS_ARN),
        block("resource", "aws_sns_topic_policy", "notifications", arn=TOPIC, policy=policy),
        block("output", "notifications_topic_arn", value=TOPIC,
              description="SNS topic the app publishes notifications to (subscribe consumers to it)."),
    ]
