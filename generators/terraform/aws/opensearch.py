"""opensearch.tf: an OpenSearch domain inside the VPC: encrypted, HTTPS only, fine-grained access by IAM, logs."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import (
    ACCOUNT_ID,
    KMS_ARN,
    NAME,
    PARTITION,
    PRIVATE_SUBNETS,
    data_security_group,
    log_group,
)
from generators.terraform.context import Context
from generators.terraform.names import dns_label

ENGINE_VERSION = "OpenSearch_2.13"
INSTANCE = {Tier.dev: "t3.medium.search", Tier.staging: "m6g.large.search", Tier.prod: "r6g.large.search"}
LOG_TYPES = ["INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS"]


def applies(plan: Plan) -> bool:
    return plan.spec.search is not None


def build(ctx: Context) -> list[Block]:
    prod = ctx.spec.tier == Tier.prod
    nodes = ctx.plan.sizing.availability_zones if prod else 1
    subnets = PRIVATE_SUBNETS if prod else [Call("element", PRIVATE_SUBNETS, 0)]
    zone = {"zone_awareness_enabled": True,
            "zone_awareness_config": block("zone_awareness_config", availability_zone_count=nodes)} if prod else {}
    masters = {"dedicated_master_enabled": True, "dedicated_master_count": 3,
               "dedicated_master_type": INSTANCE[ctx.spec.tier]} if prod else {}
    log_policy = Call("jsonencode", {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "es.amazonaws.com"},
        "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
        "Resource": Call("format", "%s:*", Ref("aws_cloudwatch_log_group.search.arn"))}]})
    return [
        data_security_group(ctx.plan, "search", "OpenSearch (HTTPS)", 443),
        log_group("search", Call("format", "/dev-agent/%s/opensearch", NAME), ctx.plan),
        block("resource", "aws_cloudwatch_log_resource_policy", "search",
              policy_name=Call("format", "%s-opensearch", NAME), policy_document=log_policy),
        block("resource", "aws_opensearch_domain", "main", domain_name=dns_label(ctx.name, max_length=28),
              engine_version=ENGINE_VERSION,
              cluster_config=block("cluster_config", instance_type=INSTANCE[ctx.spec.tier], instance_count=nodes,
                                   **zone, **masters),
              vpc_options=block("vpc_options", subnet_ids=subnets, security_group_ids=[Ref("aws_security_group.search.id")]),
              ebs_options=block("ebs_options", ebs_enabled=True, volume_type="gp3", volume_size=20),
              encrypt_at_rest=block("encrypt_at_rest", enabled=True, kms_key_id=KMS_ARN),
              node_to_node_encryption=block("node_to_node_encryption", enabled=True),
              domain_endpoint_options=block("domain_endpoint_options", enforce_https=True,
                                            tls_security_policy="Policy-Min-TLS-1-2-2019-07"),
              advanced_security_options=block(
                  "advanced_security_options", enabled=True, internal_user_database_enabled=False,
                  master_user_options=block("master_user_options", master_user_arn=Call(
                      "format", "arn:%s:iam::%s:root", PARTITION, ACCOUNT_ID))),
              log_publishing_options=[block("log_publishing_options", log_type=t, enabled=True,
                                            cloudwatch_log_group_arn=Ref("aws_cloudwatch_log_group.search.arn"))
                                      for t in LOG_TYPES],
              depends_on=[Ref("aws_cloudwatch_log_resource_policy.search")]),
        block("output", "search_endpoint", value=Ref("aws_opensearch_domain.main.endpoint"),
              description="OpenSearch HTTPS endpoint."),
    ]
