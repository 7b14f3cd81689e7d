"""References and small builders shared by the AWS components (one place for cross-file names)."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, Exposure, Tier
from generators.hcl import Block, Call, Cond, Ref, block

VPC_ID = Ref("aws_vpc.main.id")
VPC_CIDR = Ref("aws_vpc.main.cidr_block")
PRIVATE_SUBNETS = Ref("aws_subnet.private[*].id")
PUBLIC_SUBNETS = Ref("aws_subnet.public[*].id")
KMS_ARN = Ref("aws_kms_key.main.arn")
APP_SG = Ref("aws_security_group.app.id")
ACCOUNT_ID = Ref("data.aws_caller_identity.current.account_id")
PARTITION = Ref("data.aws_partition.current.partition")
REGION = Ref("var.region")
NAME = Ref("local.name")


def uses_load_balancer(plan: Plan) -> bool:
    """Containers and VMs serving requests sit behind an ALB, and so does an internal function (an internal ALB
    invokes it; a public function has an HTTP API instead). A scheduled job has no endpoint."""
    kind, spec = plan.spec.compute.kind, plan.spec
    internal_function = kind == ComputeKind.functions and spec.app.exposure == Exposure.internal
    return (kind in {ComputeKind.containers, ComputeKind.vm} or internal_function) and spec.compute.schedule is None


def data_security_group(plan: Plan, label: str, description: str, port: int) -> Block:
    """A security group admitting only the app's compute on one TCP port; no egress. (EKS nodes carry the app
    security group through their launch template, so pods are admitted too.)"""
    return block(
        "resource", "aws_security_group", label,
        name_prefix=Call("format", "%s-" + label + "-", NAME),
        description=description,
        vpc_id=VPC_ID,
        ingress=[block("ingress", description=f"{description} from the app", from_port=port, to_port=port,
                       protocol="tcp", security_groups=[APP_SG])],
        lifecycle=block("lifecycle", create_before_destroy=True),
    )


ALLOW_DESTROY = Ref("var.allow_destroy")


def protected(plan: Plan) -> bool | Cond:
    """Deletion protection: on in prod until the destroy's first step sets `allow_destroy` (see docs/aws.md)."""
    return Cond(ALLOW_DESTROY, False, True) if plan.spec.tier == Tier.prod else False


def destroyable(plan: Plan) -> bool | Ref:
    """force_destroy of a bucket: always below prod; in prod only once `allow_destroy` is set."""
    return ALLOW_DESTROY if plan.spec.tier == Tier.prod else True


def assume_role_policy(service: str) -> Call:
    """Trust policy letting one AWS service assume a role."""
    return Call("jsonencode", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}],
    })


def managed_policy(name: str) -> Call:
    """ARN of an AWS managed policy in the current partition."""
    return Call("format", "arn:%s:iam::aws:policy/" + name, PARTITION)


def role(label: str, service: str, policies: list[str], name_suffix: str) -> list[Block]:
    """An IAM role for a service plus attachments of AWS managed policies."""
    blocks = [block("resource", "aws_iam_role", label,
                    name_prefix=Call("format", "%s-" + name_suffix + "-", Call("substr", NAME, 0, 20)),
                    assume_role_policy=assume_role_policy(service))]
    for index, policy in enumerate(policies):
        blocks.append(block("resource", "aws_iam_role_policy_attachment", f"{label}_{index}",
                            role=Ref(f"aws_iam_role.{label}.name"), policy_arn=managed_policy(policy)))
    return blocks


def log_group(label: str, name: Call | str, plan: Plan) -> Block:
    """A KMS-encrypted CloudWatch log group with the plan's retention."""
    return block("resource", "aws_cloudwatch_log_group", label, name=name,
                 retention_in_days=plan.sizing.log_retention_days, kms_key_id=KMS_ARN)
