"""waf.tf: Cloud Armor in front of a public Cloud Run service (bot.pipeline.planning.waf_reason says when: asked, a
HIPAA / PCI DSS profile, prod). A global external Application Load Balancer (HTTPS only, Google-managed certificate
for `var.domain`, TLS 1.2+) reaches the service through a serverless network endpoint group; its backend service
carries a Cloud Armor security policy with Google's preconfigured WAF rules (OWASP ModSecurity CRS 3.3: SQL injection,
XSS, LFI, RFI, RCE, scanners, protocol attacks) and the Log4Shell rule, each blocking with 403, every request logged.
cloud_run.tf then admits traffic from load balancers only, so nothing reaches the app around the WAF.

Other GCP compute has no generated load balancer to attach Cloud Armor to (GKE is reached through the cluster's
ingress-nginx controller, an L4 load balancer; functions are internal): the compliance control stays a gap there.
"""

from __future__ import annotations

from bot.pipeline.planning import Plan, waf_reason
from bot.spec import ComputeKind
from generators.hcl import Block, Call, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.names import labels, resource_name

# Preconfigured WAF rules (Cloud Armor's names for the OWASP CRS 3.3 groups), at sensitivity 1: the fewest false
# positives, as AWS's managed common rule set is tuned. cve-canary is the Log4Shell rule (checkov CKV_GCP_73).
PRECONFIGURED = {
    "sqli-v33-stable": "SQL injection",
    "xss-v33-stable": "Cross-site scripting",
    "lfi-v33-stable": "Local file inclusion",
    "rfi-v33-stable": "Remote file inclusion",
    "rce-v33-stable": "Remote code execution",
    "scannerdetection-v33-stable": "Scanner detection",
    "protocolattack-v33-stable": "Protocol attacks",
    "cve-canary": "Log4Shell (CVE-2021-44228)",
}
SENSITIVE = {"cve-canary": False}  # the CVE rule takes no sensitivity level


def applies(plan: Plan) -> bool:
    """A public Cloud Run service whose plan wants a WAF."""
    return plan.spec.compute.kind == ComputeKind.containers and waf_reason(plan.spec) is not None


def default_domain(ctx: Context) -> str:
    return f"{ctx.name}.{ctx.settings.ingress_domain}"


def _expression(rule: str) -> str:
    if SENSITIVE.get(rule, True):
        return f"evaluatePreconfiguredWaf('{rule}', {{'sensitivity': 1}})"
    return f"evaluatePreconfiguredWaf('{rule}')"


def _policy(ctx: Context) -> Block:
    rules = [
        block("rule", action="deny(403)", priority=1000 + i, description=f"{what} (preconfigured WAF rule {rule})",
              match=block("match", expr=block("expr", expression=_expression(rule))))
        for i, (rule, what) in enumerate(PRECONFIGURED.items())
    ]
    default = block("rule", action="allow", priority=2147483647, description="Default: allow what no rule blocks",
                    match=block("match", versioned_expr="SRC_IPS_V1",
                                config=block("config", src_ip_ranges=["*"])))
    return block(
        "resource", "google_compute_security_policy", "main",
        name=resource_name(ctx.name, "waf"),
        description="Web application firewall of the public load balancer (dev-agent)",
        type="CLOUD_ARMOR",
        rule=[*rules, default],
        advanced_options_config=block("advanced_options_config", json_parsing="STANDARD", log_level="NORMAL"),
    )


def build(ctx: Context) -> list[Block]:
    name = resource_name(ctx.name, max_length=50)
    return [
        _policy(ctx),
        block("resource", "google_compute_region_network_endpoint_group", "app", name=f"{name}-neg",
              region=Ref("var.region"), network_endpoint_type="SERVERLESS",
              cloud_run=block("cloud_run", service=Ref("google_cloud_run_v2_service.app.name"))),
        block("resource", "google_compute_backend_service", "app", name=f"{name}-backend",
              load_balancing_scheme="EXTERNAL_MANAGED", protocol="HTTPS",
              security_policy=Ref("google_compute_security_policy.main.id"),
              log_config=block("log_config", enable=True, sample_rate=1.0),
              backend=block("backend", group=Ref("google_compute_region_network_endpoint_group.app.id"))),
        block("resource", "google_compute_url_map", "app", name=f"{name}-lb",
              default_service=Ref("google_compute_backend_service.app.id")),
        block("resource", "google_compute_managed_ssl_certificate", "app", name=f"{name}-cert",
              managed=block("managed", domains=[Ref("var.domain")])),
        block("resource", "google_compute_ssl_policy", "app", name=f"{name}-tls", profile="RESTRICTED",
              min_tls_version="TLS_1_2"),
        block("resource", "google_compute_target_https_proxy", "app", name=f"{name}-https",
              url_map=Ref("google_compute_url_map.app.id"),
              ssl_certificates=[Ref("google_compute_managed_ssl_certificate.app.id")],
              ssl_policy=Ref("google_compute_ssl_policy.app.id")),
        block("resource", "google_compute_global_address", "app", name=f"{name}-ip"),
        block("resource", "google_compute_global_forwarding_rule", "app", name=f"{name}-https",
              load_balancing_scheme="EXTERNAL_MANAGED", port_range="443", ip_protocol="TCP",
              ip_address=Ref("google_compute_global_address.app.id"),
              target=Ref("google_compute_target_https_proxy.app.id"), labels=labels(ctx)),
        block("variable", "domain", type=Ref("string"), default=default_domain(ctx),
              description="Host name of the app: point its DNS A record at load_balancer_ip; the Google-managed "
                          "certificate is issued once it resolves."),
        block("output", "load_balancer_ip", value=Ref("google_compute_global_address.app.address"),
              description="Public IP of the HTTPS load balancer (Cloud Armor WAF in front of Cloud Run)."),
        block("output", "app_url", value=Call("format", "https://%s", Ref("var.domain")),
              description="Public HTTPS endpoint of the app, through the Cloud Armor WAF."),
    ]

