"""alb.tf: the Application Load Balancer in front of containers or VMs (HTTPS; HTTP redirects): internet-facing in
public subnets, or for an internal app internal in the private subnets, reachable from inside the VPC only. An
internal function is a Lambda target of an internal ALB (a public function has an HTTP API instead, lambda.tf).

HTTPS with the environment's ACM certificate (`inputs.certificate_arn`, required from staging up and with any
compliance profile). A dev environment without a certificate serves plain HTTP on port 80 (a risk line in the
report) until `/dev-agent set certificate_arn=...`.
"""

from __future__ import annotations

from bot.spec import ComputeKind, EnvironmentSpec, Exposure, Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.shared import (
    KMS_ARN,
    NAME,
    PRIVATE_SUBNETS,
    PUBLIC_SUBNETS,
    VPC_CIDR,
    VPC_ID,
    protected,
)
from generators.terraform.context import Context
from generators.terraform.names import dns_label

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# AWS managed rule groups: blocking ones, and anonymous-IP matching in count mode (visible, never blocks users)
WAF_RULES = {"AWSManagedRulesCommonRuleSet": "none", "AWSManagedRulesKnownBadInputsRuleSet": "none",
             "AWSManagedRulesAnonymousIpList": "count"}


def internal(ctx: Context) -> bool:
    return ctx.spec.app.exposure == Exposure.internal


def serves_https(spec: EnvironmentSpec) -> bool:
    """HTTPS unless a dev environment has no certificate (staging, prod, any environment following a compliance
    profile, which forces TLS-only ingress, and one behind CloudFront, which reaches it over HTTPS, must supply one)."""
    return (spec.tier != Tier.dev or bool(spec.compliance) or spec.app.cdn
            or bool(spec.inputs and spec.inputs.certificate_arn))


def forwarding_listener(spec: EnvironmentSpec) -> str:
    """The listener that forwards to the app (the services wait for it)."""
    return "aws_lb_listener.https" if serves_https(spec) else "aws_lb_listener.http"


def _security_group(ctx: Context) -> Block:
    port = ctx.spec.app.port
    sources, where = ([VPC_CIDR], "inside the VPC") if internal(ctx) else (["0.0.0.0/0"], "the internet")
    if ctx.spec.app.cdn:  # CloudFront's origin-facing addresses only, HTTPS only (the list weighs 55 rules of 60)
        ingress = [block("ingress", description="HTTPS from CloudFront only", from_port=443, to_port=443,
                         protocol="tcp", prefix_list_ids=[Ref("data.aws_ec2_managed_prefix_list.cloudfront.id")])]
    else:
        ingress = [
            *([block("ingress", description=f"HTTPS from {where}", from_port=443, to_port=443, protocol="tcp",
                     cidr_blocks=sources)] if serves_https(ctx.spec) else []),
            block("ingress", description=f"HTTP from {where}"
                  + (" (redirected to HTTPS)" if serves_https(ctx.spec) else ""), from_port=80, to_port=80,
                  protocol="tcp", cidr_blocks=sources),
        ]
    return block(
        "resource", "aws_security_group", "alb",
        name_prefix=Call("format", "%s-alb-", NAME),
        description="Internal load balancer" if internal(ctx) else "Public load balancer", vpc_id=VPC_ID,
        ingress=ingress,
        egress=[block("egress", description="App port inside the VPC", from_port=port, to_port=port,
                      protocol="tcp", cidr_blocks=[VPC_CIDR])],
        lifecycle=block("lifecycle", create_before_destroy=True),
    )


def _managed_rule(name: str, priority: int, action: str) -> Block:
    return block("rule", name=name, priority=priority,
                 override_action=block("override_action", **{action: block(action)}),
                 statement=block("statement", managed_rule_group_statement=block(
                     "managed_rule_group_statement", name=name, vendor_name="AWS")),
                 visibility_config=_visibility(name))


def _visibility(metric: str) -> Block:
    return block("visibility_config", cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True)


def web_acl(ctx: Context, label: str, scope: str, provider: Ref | None = None, kms: Ref = KMS_ARN) -> list[Block]:
    """A web ACL with AWS managed rules (common + known bad inputs, anonymous IPs counted), logged to CloudWatch.
    `scope` REGIONAL (the ALB's) or CLOUDFRONT (cloudfront.tf: made through the us-east-1 provider, as AWS requires,
    logged to a us-east-1 log group under that region's key `kms`)."""
    where = {"provider": provider} if provider is not None else {}
    suffix = "" if label == "main" else f"-{label}"
    return [
        block("resource", "aws_wafv2_web_acl", label, **where, name=Call("format", "%s" + suffix, NAME) if suffix else NAME,
              scope=scope,
              default_action=block("default_action", allow=block("allow")),
              rule=[_managed_rule(name, i + 1, action) for i, (name, action) in enumerate(WAF_RULES.items())],
              visibility_config=_visibility("web-acl")),
        block("resource", "aws_cloudwatch_log_group", f"waf{suffix.replace('-', '_')}", **where,
              name=Call("format", "aws-waf-logs-%s" + suffix, NAME),
              retention_in_days=ctx.plan.sizing.log_retention_days, kms_key_id=kms),
        block("resource", "aws_wafv2_web_acl_logging_configuration", label, **where,
              resource_arn=Ref(f"aws_wafv2_web_acl.{label}.arn"),
              log_destination_configs=[Ref(f"aws_cloudwatch_log_group.waf{suffix.replace('-', '_')}.arn")]),
    ]


def _waf(ctx: Context) -> list[Block]:
    """The regional web ACL on the load balancer (kept behind CloudFront too: defence in depth, and the evidence
    compliance profiles check)."""
    acl, *logging = web_acl(ctx, "main", "REGIONAL")
    return [acl, block("resource", "aws_wafv2_web_acl_association", "main", resource_arn=Ref("aws_lb.main.arn"),
                       web_acl_arn=Ref("aws_wafv2_web_acl.main.arn")), *logging]


def build(ctx: Context) -> list[Block]:
    return [
        _security_group(ctx),
        block("resource", "aws_lb", "main", name=dns_label(ctx.name, max_length=32), internal=internal(ctx),
              load_balancer_type="application", subnets=PRIVATE_SUBNETS if internal(ctx) else PUBLIC_SUBNETS,
              security_groups=[Ref("aws_security_group.alb.id")], drop_invalid_header_fields=True,
              enable_deletion_protection=protected(ctx.plan),
              access_logs=block("access_logs", bucket=Ref("aws_s3_bucket.logs.id"), prefix="alb", enabled=True),
              depends_on=[Ref("aws_s3_bucket_policy.logs")]),
        _target_group(ctx),
        *_lambda_target(ctx),
        *_listeners(ctx),
        *_waf(ctx),
    ]


def _target_group(ctx: Context) -> Block:
    spec, name = ctx.spec, dns_label(ctx.name, "app", max_length=32)
    if spec.compute.kind == ComputeKind.functions:  # the ALB invokes the function (no port, no VPC)
        return block("resource", "aws_lb_target_group", "app", name=name, target_type="lambda",
                     health_check=block("health_check", enabled=True, path=spec.app.health_path, matcher="200-399"))
    return block("resource", "aws_lb_target_group", "app", name=name, port=spec.app.port, protocol="HTTP",
                 target_type="ip" if spec.compute.kind == ComputeKind.containers else "instance", vpc_id=VPC_ID,
                 deregistration_delay=30,
                 health_check=block("health_check", path=spec.app.health_path, matcher="200-399"))


def _lambda_target(ctx: Context) -> list[Block]:
    """An internal function: the load balancer may invoke it (only through this target group)."""
    if ctx.spec.compute.kind != ComputeKind.functions:
        return []
    return [
        block("resource", "aws_lambda_permission", "alb", statement_id="AllowInternalLoadBalancer",
              action="lambda:InvokeFunction", function_name=Ref("aws_lambda_function.app.function_name"),
              principal="elasticloadbalancing.amazonaws.com", source_arn=Ref("aws_lb_target_group.app.arn")),
        block("resource", "aws_lb_target_group_attachment", "lambda", target_group_arn=Ref("aws_lb_target_group.app.arn"),
              target_id=Ref("aws_lambda_function.app.arn"), depends_on=[Ref("aws_lambda_permission.alb")]),
    ]


def _listeners(ctx: Context) -> list[Block]:
    forward = block("default_action", type="forward", target_group_arn=Ref("aws_lb_target_group.app.arn"))
    where = "Internal" if internal(ctx) else "Public"
    if not serves_https(ctx.spec):
        return [
            block("resource", "aws_lb_listener", "http", load_balancer_arn=Ref("aws_lb.main.arn"), port=80,
                  protocol="HTTP", default_action=forward),
            block("output", "app_url", value=Call("format", "http://%s", Ref("aws_lb.main.dns_name")),
                  description=f"{where} HTTP endpoint of the app (no certificate yet: plain HTTP)."),
        ]
    return [
        block("resource", "aws_lb_listener", "http", load_balancer_arn=Ref("aws_lb.main.arn"), port=80,
              protocol="HTTP",
              default_action=block("default_action", type="redirect", redirect=block(
                  "redirect", port="443", protocol="HTTPS", status_code="HTTP_301"))),
        block("resource", "aws_lb_listener", "https", load_balancer_arn=Ref("aws_lb.main.arn"), port=443,
              protocol="HTTPS", ssl_policy=TLS_POLICY, certificate_arn=Ref("var.certificate_arn"),
              default_action=forward),
        block("variable", "certificate_arn", type=Ref("string"),
              description="ACM certificate ARN for the HTTPS listener (dev-agent.auto.tfvars.json)."),
        *([] if ctx.spec.app.cdn else [  # behind CloudFront the app's URL is the distribution's (cloudfront.tf)
            block("output", "app_url", value=Call("format", "https://%s", Ref("aws_lb.main.dns_name")),
                  description="Internal HTTPS endpoint of the app (inside the VPC)." if internal(ctx)
                  else "Public HTTPS endpoint of the app.")]),
    ]
