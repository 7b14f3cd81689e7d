"""A small hand-written AWS Terraform config (through the HCL emitter) for checks that need real AWS files.

Stands in for the AWS generator's output until that lands; it passes fmt, validate and checkov.
"""

from __future__ import annotations

from generators.hcl import Call, Ref, block, render


def aws_terraform_files(region: str = "us-west-2") -> dict[str, str]:
    """versions.tf + logs.tf: a KMS-encrypted CloudWatch log group kept for a year."""
    versions = render([
        block("terraform", required_version=">= 1.6",
              required_providers=block("required_providers", aws={"source": "hashicorp/aws", "version": "5.100.0"})),
        block("provider", "aws", region=region),
    ])
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AccountAdmin",
            "Effect": "Allow",
            "Principal": {"AWS": Call("format", "arn:aws:iam::%s:root", Ref("data.aws_caller_identity.current.account_id"))},
            "Action": "kms:*",
            "Resource": "*",
        }],
    }
    logs = render([
        block("data", "aws_caller_identity", "current"),
        block("resource", "aws_kms_key", "logs", description="app logs", enable_key_rotation=True,
              deletion_window_in_days=30, policy=Call("jsonencode", policy)),
        block("resource", "aws_cloudwatch_log_group", "app", name="/dev-agent/fixture/app",
              retention_in_days=365, kms_key_id=Ref("aws_kms_key.logs.arn")),
    ])
    return {"versions.tf": versions, "logs.tf": logs}
