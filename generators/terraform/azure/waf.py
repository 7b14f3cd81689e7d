"""waf.tf: Azure Front Door Premium with a WAF policy in front of a public Container App
(bot.pipeline.planning.waf_reason says when: asked, a HIPAA / PCI DSS profile, prod).

Front Door fits the Container Apps entry point without new network pieces: its endpoint (`<name>.azurefd.net`,
Microsoft-managed TLS certificate) forwards over HTTPS to the app's ingress host name; HTTP is redirected to HTTPS.
The WAF policy runs in Prevention mode with Microsoft's Default Rule Set 2.1 (OWASP CRS based, anomaly scoring,
includes the Log4Shell rules) and the Bot Manager rule set, and Front Door's access and WAF logs go to the
environment's Log Analytics workspace. Managed rule sets need the Premium tier (Standard has custom rules only).

Container Apps ingress cannot admit only Front Door (its IP restrictions take address ranges, not the
AzureFrontDoor.Backend service tag), so the app's own host name keeps answering: the report names it as a risk.
AKS is reached through the cluster's ingress-nginx controller and VMs through their own entry point: no WAF is
generated for them, and the compliance control stays a gap there.
"""

from __future__ import annotations

from bot.pipeline.planning import Plan, waf_reason
from bot.spec import ComputeKind
from generators.hcl import Block, Call, Ref, block
from generators.terraform.azure.names import dashed, stable_suffix, tags
from generators.terraform.azure.observability import WORKSPACE
from generators.terraform.azure.resource_group import RG
from generators.terraform.context import Context

PROFILE = Ref("azurerm_cdn_frontdoor_profile.main.id")
ORIGIN_HOST = Ref("azurerm_container_app.app.ingress[0].fqdn")
MANAGED_RULES = {"Microsoft_DefaultRuleSet": "2.1", "Microsoft_BotManagerRuleSet": "1.1"}
LOGS = ("FrontDoorAccessLog", "FrontDoorWebApplicationFirewallLog")


def applies(plan: Plan) -> bool:
    """A public Container App whose plan wants a WAF."""
    return plan.spec.compute.kind == ComputeKind.containers and waf_reason(plan.spec) is not None


def policy_name(ctx: Context) -> str:
    """WAF policy names are letters and digits only, starting with a letter (at most 128)."""
    return "waf" + "".join(c for c in ctx.name.lower() if c.isalnum())[:100]


def build(ctx: Context) -> list[Block]:
    health = ctx.spec.app.health_path
    return [
        block("resource", "azurerm_cdn_frontdoor_profile", "main", name=dashed("afd", ctx.name, max_length=90),
              resource_group_name=RG, sku_name="Premium_AzureFrontDoor", response_timeout_seconds=60,
              tags=tags(ctx)),
        block("resource", "azurerm_cdn_frontdoor_firewall_policy", "main", name=policy_name(ctx),
              resource_group_name=RG, sku_name=Ref("azurerm_cdn_frontdoor_profile.main.sku_name"), enabled=True,
              mode="Prevention",
              managed_rule=[block("managed_rule", type=rule, version=version, action="Block")
                            for rule, version in MANAGED_RULES.items()],
              tags=tags(ctx)),
        block("resource", "azurerm_cdn_frontdoor_endpoint", "app",
              name=dashed(ctx.name, stable_suffix(f"{ctx.name}/afd"), max_length=46), cdn_frontdoor_profile_id=PROFILE,
              tags=tags(ctx)),
        block("resource", "azurerm_cdn_frontdoor_origin_group", "app", name="app", cdn_frontdoor_profile_id=PROFILE,
              session_affinity_enabled=False,
              load_balancing=block("load_balancing", sample_size=4, successful_samples_required=3),
              health_probe=block("health_probe", path=health, protocol="Https", request_type="GET",
                                 interval_in_seconds=100)),
        block("resource", "azurerm_cdn_frontdoor_origin", "app", name="app",
              cdn_frontdoor_origin_group_id=Ref("azurerm_cdn_frontdoor_origin_group.app.id"), enabled=True,
              host_name=ORIGIN_HOST, origin_host_header=ORIGIN_HOST, http_port=80, https_port=443,
              certificate_name_check_enabled=True, priority=1, weight=1000),
        block("resource", "azurerm_cdn_frontdoor_route", "app", name="app",
              cdn_frontdoor_endpoint_id=Ref("azurerm_cdn_frontdoor_endpoint.app.id"),
              cdn_frontdoor_origin_group_id=Ref("azurerm_cdn_frontdoor_origin_group.app.id"),
              cdn_frontdoor_origin_ids=[Ref("azurerm_cdn_frontdoor_origin.app.id")],
              supported_protocols=["Http", "Https"], https_redirect_enabled=True, forwarding_protocol="HttpsOnly",
              patterns_to_match=["/*"], link_to_default_domain=True),
        block("resource", "azurerm_cdn_frontdoor_security_policy", "main", name="waf",
              cdn_frontdoor_profile_id=PROFILE,
              security_policies=block("security_policies", firewall=block(
                  "firewall", cdn_frontdoor_firewall_policy_id=Ref("azurerm_cdn_frontdoor_firewall_policy.main.id"),
                  association=block("association", patterns_to_match=["/*"], domain=block(
                      "domain", cdn_frontdoor_domain_id=Ref("azurerm_cdn_frontdoor_endpoint.app.id")))))),
        block("resource", "azurerm_monitor_diagnostic_setting", "front_door", name="front-door-logs",
              target_resource_id=PROFILE, log_analytics_workspace_id=WORKSPACE,
              enabled_log=[block("enabled_log", category=c) for c in LOGS]),
        block("output", "front_door_url", value=Call("format", "https://%s",
                                                      Ref("azurerm_cdn_frontdoor_endpoint.app.host_name")),
              description="Public HTTPS endpoint of the app through Front Door and its WAF."),
    ]
