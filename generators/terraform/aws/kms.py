"""kms.tf: one customer-managed key per environment, rotated, used by every encrypted service and log group."""

from __future__ import annotations

from bot.spec import Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws import alarms
from generators.terraform.aws.shared import ACCOUNT_ID, PARTITION, REGION
from generators.terraform.context import Context


def key_policy(alarms: bool, region: Ref | str = REGION) -> Call:
    """The account administers the key; CloudWatch Logs in this account and `region` may use it; with alarms,
    CloudWatch may encrypt what it publishes to the encrypted alerts topic (alarms.tf)."""
    publish = [{
        "Sid": "CloudWatchAlarmsPublish",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}},
    }] if alarms else []
    return Call("jsonencode", {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": Call("format", "arn:%s:iam::%s:root", PARTITION, ACCOUNT_ID)},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": Call("format", "logs.%s.amazonaws.com", region)},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": Call(
                    "format", "arn:%s:logs:%s:%s:*", PARTITION, region, ACCOUNT_ID)}},
            },
            *publish,
        ],
    })


def build(ctx: Context) -> list[Block]:
    return [
        block("resource", "aws_kms_key", "main",
              description=Call("format", "%s environment data key", Ref("local.name")),
              enable_key_rotation=True,
              deletion_window_in_days=30 if ctx.spec.tier == Tier.prod else 7, policy=key_policy(alarms.applies(ctx.plan))),
        *([block("variable", "allow_destroy", type=Ref("bool"), default=False,
                 description="Step 1 of a prod destroy: turns deletion protection off and lets buckets be emptied "
                             "(RDS/DocumentDB keep their final snapshots). Apply with true, then destroy.")]
          if ctx.spec.tier == Tier.prod else []),
        block("resource", "aws_kms_alias", "main", name=Call("format", "alias/%s", Ref("local.name")),
              target_key_id=Ref("aws_kms_key.main.key_id")),
    ]
