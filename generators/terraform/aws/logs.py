"""logs.tf: the environment's access-log bucket (S3 server access logs, ALB access logs, CloudFront access logs).

Both log deliveries require SSE-S3 (AES256), so this one bucket is not KMS-encrypted.
"""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.s3 import bucket_blocks
from generators.terraform.aws.shared import ACCOUNT_ID, uses_load_balancer
from generators.terraform.context import Context

BUCKET = Ref("aws_s3_bucket.logs.arn")


def applies(plan: Plan) -> bool:
    return bool(plan.spec.buckets) or uses_load_balancer(plan)


def _delivery(sid: str, principal: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": "s3:PutObject",
            "Resource": Call("format", "%s/" + prefix + "/*", BUCKET)}


def build(ctx: Context) -> list[Block]:
    statements = [dict(_delivery("S3AccessLogs", {"Service": "logging.s3.amazonaws.com"}, "s3"),
                       Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}})]
    blocks: list[Block] = []
    if uses_load_balancer(ctx.plan):
        blocks.append(block("data", "aws_elb_service_account", "main"))
        statements += [
            _delivery("AlbAccessLogs", {"AWS": Ref("data.aws_elb_service_account.main.arn")}, "alb"),
            _delivery("AlbAccessLogDelivery", {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}, "alb"),
        ]
    if ctx.spec.app.cdn:  # CloudFront access logs (v2, vended through CloudWatch Logs: no bucket ACLs needed)
        vended = {"Service": "delivery.logs.amazonaws.com"}
        statements += [
            dict(_delivery("CloudFrontAccessLogs", vended, "AWSLogs"), Condition={"StringEquals": {
                "aws:SourceAccount": ACCOUNT_ID, "s3:x-amz-acl": "bucket-owner-full-control"}}),
            {"Sid": "CloudFrontAccessLogsAclCheck", "Effect": "Allow", "Principal": vended,
             "Action": "s3:GetBucketAcl", "Resource": BUCKET,
             "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}},
        ]
    blocks += bucket_blocks(ctx, "logs", f"{ctx.name}-logs", versioning=True, kms=False, log_target=False,
                            policy=statements)
    return blocks
