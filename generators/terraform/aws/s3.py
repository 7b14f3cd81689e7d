"""s3.tf: the requested buckets: no public access, KMS encryption, versioning, lifecycle, TLS only."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import ACCOUNT_ID, KMS_ARN, destroyable
from generators.terraform.context import Context
from generators.terraform.names import bucket_name, identifier

ACCOUNT_SUFFIX = 13  # "-" + 12-digit account id keeps names globally unique


def applies(plan: Plan) -> bool:
    return bool(plan.spec.buckets)


def _policy(label: str, extra: list[dict[str, Any]]) -> Call:
    """TLS only, plus any `extra` statements."""
    bucket = Ref(f"aws_s3_bucket.{label}.arn")
    statements = [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [bucket, Call("format", "%s/*", bucket)],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    return Call("jsonencode", {"Version": "2012-10-17", "Statement": statements + extra})


def bucket_blocks(ctx: Context, label: str, name: str, versioning: bool, kms: bool, log_target: bool,
                  policy: list[dict[str, Any]] | None = None) -> list[Block]:
    """One bucket with its access block, ownership, encryption, versioning, lifecycle, policy and logging."""
    ref = Ref(f"aws_s3_bucket.{label}.id")
    sse = ({"sse_algorithm": "aws:kms", "kms_master_key_id": KMS_ARN} if kms else {"sse_algorithm": "AES256"})
    noncurrent = [block("noncurrent_version_expiration", noncurrent_days=30)] if versioning else []
    blocks = [
        block("resource", "aws_s3_bucket", label,
              bucket=Call("format", "%s-%s", bucket_name(name, max_length=63 - ACCOUNT_SUFFIX), ACCOUNT_ID),
              force_destroy=destroyable(ctx.plan)),
        block("resource", "aws_s3_bucket_public_access_block", label, bucket=ref, block_public_acls=True,
              block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True),
        block("resource", "aws_s3_bucket_ownership_controls", label, bucket=ref,
              rule=block("rule", object_ownership="BucketOwnerEnforced")),
        block("resource", "aws_s3_bucket_server_side_encryption_configuration", label, bucket=ref,
              rule=block("rule", bucket_key_enabled=kms,
                         apply_server_side_encryption_by_default=block("apply_server_side_encryption_by_default", **sse))),
        block("resource", "aws_s3_bucket_versioning", label, bucket=ref,
              versioning_configuration=block("versioning_configuration",
                                             status="Enabled" if versioning else "Suspended")),
        block("resource", "aws_s3_bucket_lifecycle_configuration", label, bucket=ref,
              rule=block("rule", id="housekeeping", status="Enabled", filter=block("filter"),
                         abort_incomplete_multipart_upload=block("abort_incomplete_multipart_upload",
                                                                 days_after_initiation=7),
                         **({"noncurrent_version_expiration": noncurrent[0]} if noncurrent else {}))),
        block("resource", "aws_s3_bucket_policy", label, bucket=ref, policy=_policy(label, policy or []),
              depends_on=[Ref(f"aws_s3_bucket_public_access_block.{label}")]),
    ]
    if log_target:
        blocks.append(block("resource", "aws_s3_bucket_logging", label, bucket=ref,
                            target_bucket=Ref("aws_s3_bucket.logs.id"), target_prefix=f"s3/{label}/",
                            depends_on=[Ref("aws_s3_bucket_policy.logs")]))
    return blocks


def labels(plan: Plan) -> list[str]:
    """Terraform labels of the requested buckets (never `logs`, the access-log bucket)."""
    return [identifier("bucket", bucket.name) for bucket in plan.spec.buckets]


def build(ctx: Context) -> list[Block]:
    blocks, outputs = [], []
    for bucket, label in zip(ctx.spec.buckets, labels(ctx.plan), strict=False):
        blocks += bucket_blocks(ctx, label, f"{ctx.name}-{bucket.name}", bucket.versioning, kms=True, log_target=True)
        outputs.append(block("output", label, value=Ref(f"aws_s3_bucket.{label}.bucket"),
                             description=f"Name of the {bucket.name} bucket."))
    return blocks + outputs
