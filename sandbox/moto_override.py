"""The test-only `zz_moto_override.tf`: points the AWS provider at a moto server (never part of generated output).

It also shortens timeouts and ignores attributes moto never converges on, per resource type, so a plan
after apply is clean and a broken resource fails fast instead of waiting the provider's default 40+ minutes.
"""

from __future__ import annotations

from pathlib import Path

from bot import hclread
from generators.hcl import Block, Ref, block, render

SERVICES = ["acm", "apigatewayv2", "applicationautoscaling", "cloudfront", "cloudwatch", "cloudwatchlogs", "docdb", "dynamodb", "ec2", "ecs",
            "eks", "elasticache", "elbv2", "iam", "kafka", "kms", "lambda", "mq", "opensearch", "rds", "s3",
            "secretsmanager", "sns", "sqs", "ssm", "sts", "wafv2"]
TIMEOUT = "3m"
# resource type -> timeout operations it supports
TIMEOUTS = {
    "aws_db_instance": ["create", "update", "delete"],
    "aws_docdb_cluster": ["create", "update", "delete"],
    "aws_rds_cluster": ["create", "update", "delete"],
    "aws_rds_cluster_instance": ["create", "update", "delete"],
    "aws_docdb_cluster_instance": ["create", "update", "delete"],
    "aws_elasticache_replication_group": ["create", "update", "delete"],
    "aws_elasticache_cluster": [],
    "aws_eks_cluster": ["create", "update", "delete"],
    "aws_eks_node_group": ["create", "update", "delete"],
    "aws_eks_addon": ["create", "update", "delete"],
    "aws_ecs_service": ["create", "update", "delete"],
    "aws_mq_broker": ["create", "update", "delete"],
    "aws_msk_cluster": ["create", "update", "delete"],
    "aws_opensearch_domain": ["create", "update", "delete"],
    "aws_nat_gateway": ["create", "update", "delete"],
    "aws_lambda_function": ["create", "update", "delete"],
}
# resource type -> attributes moto reports differently from what was sent (never converge)
IGNORE_CHANGES: dict[str, list[str]] = {
    "aws_ecs_service": ["availability_zone_rebalancing", "desired_count"],
    "aws_ecs_task_definition": ["container_definitions"],  # moto adds empty defaults to every container
    "aws_eks_cluster": ["access_config", "upgrade_policy"],  # moto returns neither
    "aws_eks_node_group": ["remote_access", "scaling_config[0].desired_size", "update_config"],
    # moto hands out a public IP in a private subnet, asked or not, and returns no VPC security groups
    "aws_instance": ["associate_public_ip_address", "vpc_security_group_ids"],
    "aws_lambda_function": ["dead_letter_config", "image_config"],  # not returned / returned empty by moto
    "aws_elasticache_replication_group": ["security_group_ids", "at_rest_encryption_enabled",
                                          "transit_encryption_enabled", "auto_minor_version_upgrade"],
    "aws_elasticache_cluster": ["security_group_ids"],
    "aws_db_instance": ["performance_insights_enabled", "performance_insights_kms_key_id"],
    "aws_db_parameter_group": ["parameter"],  # moto does not return custom parameters
    "aws_rds_cluster": ["scaling_configuration"],  # moto reports Serverless v1 scaling on provisioned clusters
    "aws_rds_cluster_instance": ["performance_insights_enabled", "performance_insights_kms_key_id"],
    "aws_rds_cluster_parameter_group": ["parameter"],
    "aws_sqs_queue": ["redrive_policy"],  # moto re-serialises the JSON
}


def resources(directory: Path) -> list[tuple[str, str]]:
    """(type, name) of every resource in the generated .tf files of a directory."""
    found = []
    for path in sorted(directory.glob("*.tf")):
        if path.name.endswith("_override.tf"):
            continue
        for entry in hclread.loads(path.read_text()).get("resource", []):
            for rtype, named in entry.items():
                found += [(rtype, name) for name in named]
    return found


def aliases(directory: Path) -> list[str]:
    """Aliases of the extra `aws` providers the generated config declares (cloudfront.tf's `us_east_1`)."""
    found = []
    for path in sorted(directory.glob("*.tf")):
        if not path.name.endswith("_override.tf"):
            found += [body["alias"] for entry in hclread.loads(path.read_text()).get("provider", [])
                      for name, body in entry.items() if name == "aws" and "alias" in body]
    return found


def override(endpoint: str, directory: Path) -> str:
    """Text of `zz_moto_override.tf` for the generated config in `directory` (every `aws` provider, aliased ones
    too, points at moto)."""
    settings = dict(access_key="test", secret_key="test", skip_credentials_validation=True,
                    skip_requesting_account_id=True, skip_metadata_api_check=True, s3_use_path_style=True,
                    endpoints=block("endpoints", **{service: endpoint for service in SERVICES}))
    blocks: list[Block] = [block("provider", "aws", **settings)]
    blocks += [block("provider", "aws", alias=alias, **settings) for alias in aliases(directory)]
    for rtype, name in resources(directory):
        body: dict = {}
        if TIMEOUTS.get(rtype):
            body["timeouts"] = block("timeouts", **{op: TIMEOUT for op in TIMEOUTS[rtype]})
        if rtype in IGNORE_CHANGES:
            body["lifecycle"] = block("lifecycle", ignore_changes=[Ref(a) for a in IGNORE_CHANGES[rtype]])
        if body:
            blocks.append(Block("resource", [rtype, name], body))
    return render(blocks)


def write_override(endpoint: str, directory: Path) -> Path:
    """Write the override next to the generated files."""
    path = directory / "zz_moto_override.tf"
    path.write_text(override(endpoint, directory))
    return path
