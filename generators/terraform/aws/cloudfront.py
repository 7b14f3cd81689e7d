"""cloudfront.tf: CloudFront in front of the public load balancer (`app.cdn`), with its own web ACL.

- Viewers: `var.cdn_domain` with the us-east-1 certificate `var.cdn_certificate_arn`, TLS 1.2 (TLSv1.2_2021) at least,
  HTTP redirected to HTTPS, HTTP/2 and HTTP/3, no geo restriction, AWS's managed SecurityHeadersPolicy (HSTS,
  nosniff, frame options, referrer policy) on every response.
- Caching: the app decides with its `Cache-Control` headers (managed UseOriginCacheControlHeaders-QueryStrings policy;
  no header, no caching); every viewer header, cookie and query string reaches the app (managed AllViewer policy).
- Origin: the ALB over HTTPS only (TLS 1.2). CloudFront forwards the viewer's Host header, so the ALB's certificate
  (`certificate_arn`) must cover `cdn_domain` too; the ALB admits CloudFront's origin-facing addresses only (alb.tf).
- WAF: a CLOUDFRONT-scope web ACL with the same AWS managed rules as the ALB's, made through a us-east-1 provider
  (AWS keeps CloudFront's web ACLs there), logged to a us-east-1 log group under a us-east-1 key.
- Access logs: standard logging v2 (CloudWatch Logs delivery, us-east-1) into the environment's log bucket.
"""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.alb import web_acl
from generators.terraform.aws.kms import key_policy
from generators.terraform.aws.shared import NAME
from generators.terraform.context import Context

EDGE = Ref("aws.us_east_1")  # CloudFront's web ACLs, certificates and log deliveries live in us-east-1
EDGE_REGION = "us-east-1"
ORIGIN = "alb"
# AWS managed policies (ids are fixed by AWS: CloudFront developer guide, "Use managed ... policies")
CACHE_POLICY = "4cc15a8a-d715-48a4-82b8-cc0b614638fe"  # UseOriginCacheControlHeaders-QueryStrings
ORIGIN_REQUEST_POLICY = "216adef6-5c7f-47e4-b989-5492eafa07d3"  # AllViewer (Host included: the ALB's certificate)
RESPONSE_HEADERS_POLICY = "67f7725c-6f97-4210-82d7-5512b31e9d03"  # SecurityHeadersPolicy
VIEWER_TLS = "TLSv1.2_2021"
PRICE_CLASS = "PriceClass_100"  # North America and Europe edges (the cheapest class)


def applies(plan: Plan) -> bool:
    return plan.spec.app.cdn


def _edge_key(ctx: Context) -> list[Block]:
    """A us-east-1 key for the edge web ACL's log group (CloudWatch Logs takes keys of its own region only)."""
    return [
        block("resource", "aws_kms_key", "edge", provider=EDGE,
              description=Call("format", "%s edge (CloudFront WAF) log key", NAME), enable_key_rotation=True,
              deletion_window_in_days=30 if ctx.spec.tier == Tier.prod else 7,
              policy=key_policy(False, EDGE_REGION)),
    ]


def _distribution() -> Block:
    return block(
        "resource", "aws_cloudfront_distribution", "main",
        enabled=True, comment=Call("format", "%s app", NAME), is_ipv6_enabled=True, http_version="http2and3",
        price_class=PRICE_CLASS, aliases=[Ref("var.cdn_domain")], web_acl_id=Ref("aws_wafv2_web_acl.cdn.arn"),
        origin=block("origin", origin_id=ORIGIN, domain_name=Ref("aws_lb.main.dns_name"),
                     custom_origin_config=block("custom_origin_config", http_port=80, https_port=443,
                                                origin_protocol_policy="https-only", origin_ssl_protocols=["TLSv1.2"])),
        default_cache_behavior=block(
            "default_cache_behavior", target_origin_id=ORIGIN, viewer_protocol_policy="redirect-to-https",
            allowed_methods=["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
            cached_methods=["GET", "HEAD"], compress=True, cache_policy_id=CACHE_POLICY,
            origin_request_policy_id=ORIGIN_REQUEST_POLICY, response_headers_policy_id=RESPONSE_HEADERS_POLICY),
        restrictions=block("restrictions", geo_restriction=block("geo_restriction", restriction_type="none")),
        viewer_certificate=block("viewer_certificate", acm_certificate_arn=Ref("var.cdn_certificate_arn"),
                                 ssl_support_method="sni-only", minimum_protocol_version=VIEWER_TLS),
        depends_on=[Ref("aws_lb_listener.https")],
    )


def _access_logs() -> list[Block]:
    """Standard logging v2: CloudWatch Logs delivers the distribution's access logs to the log bucket (logs.tf)."""
    return [
        block("resource", "aws_cloudwatch_log_delivery_source", "cdn", provider=EDGE,
              name=Call("format", "%s-cdn", NAME), log_type="ACCESS_LOGS",
              resource_arn=Ref("aws_cloudfront_distribution.main.arn")),
        block("resource", "aws_cloudwatch_log_delivery_destination", "cdn", provider=EDGE,
              name=Call("format", "%s-cdn-logs", NAME), output_format="json",
              delivery_destination_configuration=block("delivery_destination_configuration",
                                                       destination_resource_arn=Ref("aws_s3_bucket.logs.arn")),
              depends_on=[Ref("aws_s3_bucket_policy.logs")]),
        block("resource", "aws_cloudwatch_log_delivery", "cdn", provider=EDGE,
              delivery_source_name=Ref("aws_cloudwatch_log_delivery_source.cdn.name"),
              delivery_destination_arn=Ref("aws_cloudwatch_log_delivery_destination.cdn.arn")),
    ]


def build(ctx: Context) -> list[Block]:
    return [
        block("provider", "aws", alias="us_east_1", region=EDGE_REGION,
              default_tags=block("default_tags", tags=Ref("local.tags"))),
        *_edge_key(ctx),
        *web_acl(ctx, "cdn", "CLOUDFRONT", provider=EDGE, kms=Ref("aws_kms_key.edge.arn")),
        _distribution(),
        *_access_logs(),
        block("variable", "cdn_domain", type=Ref("string"),
              description="Public name of the app behind CloudFront; the ALB's certificate covers it too "
                          "(dev-agent.auto.tfvars.json)."),
        block("variable", "cdn_certificate_arn", type=Ref("string"),
              description="ACM certificate in us-east-1 covering cdn_domain (dev-agent.auto.tfvars.json)."),
        block("data", "aws_ec2_managed_prefix_list", "cloudfront",
              name="com.amazonaws.global.cloudfront.origin-facing"),
        block("output", "app_url", value=Call("format", "https://%s", Ref("var.cdn_domain")),
              description="Public HTTPS endpoint of the app (CloudFront; point the name's DNS record at "
                          "cdn_domain_name)."),
        block("output", "cdn_domain_name", value=Ref("aws_cloudfront_distribution.main.domain_name"),
              description="CloudFront's name for the distribution: the target of cdn_domain's CNAME/alias record."),
    ]
