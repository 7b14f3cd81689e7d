"""network.tf: VPC, public and private subnets across AZs, NAT, routes, flow logs, locked default SG, app SG.

Prod has one NAT gateway per zone and VPC endpoints for the AWS APIs every workload uses (S3, ECR, STS, Secrets
Manager, CloudWatch Logs) so that traffic stays off the NAT. Without a NAT gateway (serverless functions below prod,
to fit a budget) the private subnets reach the AWS services the environment uses through VPC endpoints instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.spec import ComputeKind, EnvironmentSpec, QueueEngine, Tier
from generators.hcl import Block, Call, Op, Ref, block
from generators.terraform.aws.shared import APP_SG, NAME, VPC_CIDR, VPC_ID, log_group, uses_load_balancer
from generators.terraform.context import Context

VPC_CIDR_BLOCK = "10.0.0.0/16"
HTTPS = 443
ZONE_LETTERS = ["a", "b", "c"]  # an allowlist: a zone AWS adds later never joins silently
AZ_NAMES = Ref("data.aws_availability_zones.available.names")
# AWS service -> (endpoint type, whether the environment uses it); only generated when there is no NAT gateway.
ENDPOINTS: dict[str, tuple[str, Callable[[EnvironmentSpec], bool]]] = {
    "secretsmanager": ("Interface", lambda spec: True),  # the connection secret and the managed passwords
    "sqs": ("Interface", lambda spec: spec.queue is not None and spec.queue.engine == QueueEngine.sqs),
    "s3": ("Gateway", lambda spec: bool(spec.buckets) or spec.tier == Tier.prod),  # ECR image layers live in S3
    "ecr.api": ("Interface", lambda spec: spec.tier == Tier.prod),
    "ecr.dkr": ("Interface", lambda spec: spec.tier == Tier.prod),
    "sts": ("Interface", lambda spec: spec.tier == Tier.prod),
    "logs": ("Interface", lambda spec: spec.tier == Tier.prod),
}


# On EKS, the subnets Kubernetes LoadBalancer Services may use: internal ones (an internal app's Service) in the
# private subnets, internet-facing ones (the ingress controller's) in the public subnets.
ELB_ROLE = {"private": "kubernetes.io/role/internal-elb", "public": "kubernetes.io/role/elb"}


def _subnets(ctx: Context, label: str, offset: int) -> list[Block]:
    count = ctx.plan.sizing.availability_zones
    tags: dict[str, Any] = {"Name": Call("format", "%s-" + label + "-%d", NAME, Ref("count.index")), "subnet": label}
    if ctx.spec.compute.kind == ComputeKind.kubernetes:
        tags[ELB_ROLE[label]] = "1"
    return [block("resource", "aws_subnet", label, count=count, vpc_id=VPC_ID,
                  cidr_block=Call("cidrsubnet", VPC_CIDR, 4, Op(Ref("count.index"), "+", offset)),
                  availability_zone=Call("element", AZ_NAMES, Ref("count.index")),
                  map_public_ip_on_launch=False, tags=tags)]


def _routes(ctx: Context) -> list[Block]:
    nat = ctx.plan.sizing.nat_gateways
    azs = ctx.plan.sizing.availability_zones
    blocks = [
        block("resource", "aws_internet_gateway", "main", vpc_id=VPC_ID),
        block("resource", "aws_route_table", "public", vpc_id=VPC_ID),
        block("resource", "aws_route", "public_internet", route_table_id=Ref("aws_route_table.public.id"),
              destination_cidr_block="0.0.0.0/0", gateway_id=Ref("aws_internet_gateway.main.id")),
        block("resource", "aws_route_table_association", "public", count=azs,
              subnet_id=Ref("aws_subnet.public[count.index].id"), route_table_id=Ref("aws_route_table.public.id")),
        block("resource", "aws_route_table", "private", count=max(nat, 1), vpc_id=VPC_ID),
        block("resource", "aws_route_table_association", "private", count=azs,
              subnet_id=Ref("aws_subnet.private[count.index].id"),
              route_table_id=Call("element", Ref("aws_route_table.private[*].id"), Ref("count.index"))),
    ]
    if nat:
        blocks += [
            block("resource", "aws_eip", "nat", count=nat, domain="vpc"),
            block("resource", "aws_nat_gateway", "main", count=nat,
                  allocation_id=Ref("aws_eip.nat[count.index].id"), subnet_id=Ref("aws_subnet.public[count.index].id"),
                  depends_on=[Ref("aws_internet_gateway.main")]),
            block("resource", "aws_route", "private_nat", count=nat,
                  route_table_id=Ref("aws_route_table.private[count.index].id"), destination_cidr_block="0.0.0.0/0",
                  nat_gateway_id=Ref("aws_nat_gateway.main[count.index].id")),
        ]
    return blocks


def _service_name(service: str) -> Call:
    return Call("format", "com.amazonaws.%s." + service, Ref("var.region"))


def _endpoints(ctx: Context) -> list[Block]:
    """VPC endpoints for the AWS services the environment uses: in prod, and when the private subnets have no NAT."""
    if ctx.plan.sizing.nat_gateways and ctx.spec.tier != Tier.prod:
        return []
    wanted = {service: kind for service, (kind, used) in ENDPOINTS.items() if used(ctx.spec)}
    if not wanted:
        return []
    subnets = [Ref(f"aws_subnet.private[{i}].id") for i in range(ctx.plan.sizing.availability_zones)]
    blocks: list[Block] = []
    if "Interface" in wanted.values():
        blocks.append(block(
            "resource", "aws_security_group", "endpoints",
            name_prefix=Call("format", "%s-endpoints-", NAME), description="VPC endpoints of AWS services",
            vpc_id=VPC_ID,
            ingress=[block("ingress", description="HTTPS from the app", from_port=HTTPS, to_port=HTTPS,
                           protocol="tcp", security_groups=[APP_SG])],
            lifecycle=block("lifecycle", create_before_destroy=True)))
    for service, kind in wanted.items():
        label = service.replace(".", "_")
        if kind == "Gateway":
            blocks.append(block("resource", "aws_vpc_endpoint", label, vpc_id=VPC_ID, vpc_endpoint_type=kind,
                                service_name=_service_name(service), route_table_ids=Ref("aws_route_table.private[*].id")))
        else:
            blocks.append(block("resource", "aws_vpc_endpoint", label, vpc_id=VPC_ID, vpc_endpoint_type=kind,
                                service_name=_service_name(service), subnet_ids=subnets, private_dns_enabled=True,
                                security_group_ids=[Ref("aws_security_group.endpoints.id")]))
    return blocks


def _flow_logs(ctx: Context) -> list[Block]:
    policy = Call("jsonencode", {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": Call("format", "%s:*", Ref("aws_cloudwatch_log_group.flow.arn")),
        }],
    })
    return [
        log_group("flow", Call("format", "/dev-agent/%s/vpc-flow", NAME), ctx.plan),
        block("resource", "aws_iam_role", "flow",
              name_prefix=Call("format", "%s-flow-", Call("substr", NAME, 0, 20)),
              assume_role_policy=Call("jsonencode", {
                  "Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                 "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}}]})),
        block("resource", "aws_iam_role_policy", "flow", role=Ref("aws_iam_role.flow.id"), policy=policy),
        block("resource", "aws_flow_log", "main", vpc_id=VPC_ID, traffic_type="ALL",
              log_destination=Ref("aws_cloudwatch_log_group.flow.arn"), iam_role_arn=Ref("aws_iam_role.flow.arn")),
    ]


def _app_security_group(ctx: Context) -> Block:
    """The app's compute: reachable only from the load balancer; egress HTTPS out and anything inside the VPC."""
    ingress = []
    if uses_load_balancer(ctx.plan):
        port = ctx.spec.app.port
        ingress.append(block("ingress", description="App port from the load balancer", from_port=port, to_port=port,
                             protocol="tcp", security_groups=[Ref("aws_security_group.alb.id")]))
    if ctx.spec.compute.ssh_from:
        ingress.append(block("ingress", description="SSH from the networks named in the request", from_port=22,
                             to_port=22, protocol="tcp", cidr_blocks=list(ctx.spec.compute.ssh_from)))
    rules = {"ingress": ingress} if ingress else {}
    return block(
        "resource", "aws_security_group", "app",
        name_prefix=Call("format", "%s-app-", NAME), description="App compute", vpc_id=VPC_ID,
        **rules,
        egress=[
            block("egress", description="HTTPS to AWS APIs and registries", from_port=HTTPS, to_port=HTTPS,
                  protocol="tcp", cidr_blocks=["0.0.0.0/0"]),
            block("egress", description="Data services inside the VPC", from_port=0, to_port=65535,
                  protocol="tcp", cidr_blocks=[VPC_CIDR]),
        ],
        lifecycle=block("lifecycle", create_before_destroy=True),
    )


def build(ctx: Context) -> list[Block]:
    return [
        block("data", "aws_availability_zones", "available", state="available",
              filter=block("filter", name="zone-name", values=Call("formatlist", "%s%s", Ref("var.region"), ZONE_LETTERS))),
        block("resource", "aws_vpc", "main", cidr_block=VPC_CIDR_BLOCK, enable_dns_support=True,
              enable_dns_hostnames=True, tags={"Name": NAME}),
        block("resource", "aws_default_security_group", "locked", vpc_id=VPC_ID),
        *_subnets(ctx, "private", 0),
        *_subnets(ctx, "public", 8),
        *_routes(ctx),
        *_endpoints(ctx),
        *_flow_logs(ctx),
        _app_security_group(ctx),
    ]
