"""CloudFront + WAF in front of a public AWS app (`app.cdn`): read from the words, refused by name where it cannot be
built, generated (edge web ACL in us-east-1, HTTPS to the origin, the ALB admitting CloudFront only) and priced."""

from __future__ import annotations

import re

import pytest

from bot.commands.arguments import apply_assignments, parse_assignments
from bot.cost import estimate_files
from bot.cost.defaults import DEFAULTS_DIR
from bot.inputs import missing_inputs
from bot.lifecycle.drift import drift_from_plan
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from bot.understanding.deterministic import parse
from generators.build import generate_all
from policies.profiles import evaluate
from tests.support.aws_specs import SPECS, make_plan, terraform_files


def _rows(text: str) -> dict[str, tuple[str, str]]:
    return {r.key: (r.status.value, r.reason) for r in parse(text).requirements}


@pytest.mark.parametrize("text", [
    "Django shop on ECS behind CloudFront with a WAF, AWS us-west-2",
    "node api on an EC2 VM with a CDN in front, aws",
    "rails app on AWS with edge caching",
])
def test_cdn_words_put_cloudfront_in_front_of_a_public_aws_app(text: str) -> None:
    result = parse(text)
    assert result.spec is not None and result.spec.app.cdn, result.questions
    assert result.spec.cache is None  # "edge caching" is the CDN's, not a Redis cache
    assert _rows(text)["component:cdn"][0] == "honoured"


@pytest.mark.parametrize(("text", "why"), [
    ("FastAPI on EKS behind CloudFront, aws", "cluster's controller makes the load balancer"),
    ("FastAPI on Lambda behind CloudFront, aws", "HTTP API takes no WAF"),
    ("internal admin app on AWS ECS with CloudFront", "internal app"),
    ("FastAPI on GCP with Cloud CDN", "no CDN is generated on GCP"),
    ("FastAPI on Azure behind Front Door", "Front Door is generated only as a WAF's entry point"),
])
def test_cdn_where_it_cannot_be_built_is_flagged_with_the_reason(text: str, why: str) -> None:
    result = parse(text)
    assert result.spec is None or not result.spec.app.cdn
    status, reason = _rows(text)["component:cdn"]
    assert status == "unsupported" and why in reason


@pytest.mark.parametrize(("patch", "message"), [
    ({"cloud": "gcp", "region": "us-central1"}, "AWS only"),
    ({"compute": {"kind": "kubernetes"}}, "containers and VMs only"),
    ({"compute": {"kind": "functions"}}, "containers and VMs only"),
    ({"compute": {"kind": "containers", "schedule": "0 3 * * *"}}, "containers and VMs only"),
    ({"app": {"cdn": True, "exposure": "internal"}}, "internal app"),
    ({"inputs": {"cdn_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/x"}}, "cdn_certificate_arn"),
])
def test_cdn_the_spec_cannot_build_is_refused_by_name(patch: dict, message: str) -> None:
    data = {"name": "x-dev", "cloud": "aws", "region": "us-east-1", "app": {"cdn": True}, **patch}
    with pytest.raises(SpecError, match=message):
        spec_from_data(data)


def test_cloudfront_terraform_has_the_edge_waf_https_origin_and_the_alb_admits_cloudfront_only() -> None:
    files = terraform_files(make_plan("cdn"))
    edge = files["cloudfront.tf"]
    assert re.search(r'provider "aws" \{\n  alias  = "us_east_1"\n  region = "us-east-1"', edge)
    acl = edge[edge.index('resource "aws_wafv2_web_acl" "cdn"'):edge.index('resource "aws_cloudwatch_log_group"')]
    assert "provider = aws.us_east_1" in acl and 'scope    = "CLOUDFRONT"' in acl
    # the same AWS managed rules as the ALB's regional ACL (log4j: known bad inputs)
    regional = files["alb.tf"]
    rules = re.findall(r'managed_rule_group_statement \{\n\s+name\s+= "(\w+)"', acl)
    assert rules == re.findall(r'managed_rule_group_statement \{\n\s+name\s+= "(\w+)"', regional)
    assert "AWSManagedRulesKnownBadInputsRuleSet" in rules
    assert "web_acl_id      = aws_wafv2_web_acl.cdn.arn" in edge
    assert 'origin_protocol_policy = "https-only"' in edge and 'viewer_protocol_policy     = "redirect-to-https"' in edge
    assert 'minimum_protocol_version = "TLSv1.2_2021"' in edge and 'restriction_type = "none"' in edge
    assert "acm_certificate_arn      = var.cdn_certificate_arn" in edge
    assert 'log_type     = "ACCESS_LOGS"' in edge and "destination_resource_arn = aws_s3_bucket.logs.arn" in edge
    assert '"aws_wafv2_web_acl_logging_configuration" "cdn"' in edge
    # the ALB: HTTPS from CloudFront's origin-facing prefix list only, nothing from 0.0.0.0/0
    group = regional[regional.index('resource "aws_security_group" "alb"'):regional.index('resource "aws_lb" "main"')]
    assert "prefix_list_ids = [data.aws_ec2_managed_prefix_list.cloudfront.id]" in group
    assert "0.0.0.0/0" not in group and not re.search(r"from_port\s+= 80\n", group)
    assert 'name = "com.amazonaws.global.cloudfront.origin-facing"' in files["cloudfront.tf"]
    # the app's URL is CloudFront's, and CloudFront may write its access logs to the log bucket
    outputs = files["outputs.tf"]
    assert 'output "app_url"' in outputs and 'format("https://%s", var.cdn_domain)' in outputs
    assert "aws_lb.main.dns_name" not in outputs.split('output "app_url"')[1].split("}")[0]
    assert "delivery.logs.amazonaws.com" in files["logs.tf"]


def test_without_cdn_the_alb_is_unchanged_and_no_edge_files_exist() -> None:
    files = terraform_files(make_plan("prod"))
    assert "cloudfront.tf" not in files and "aws.us_east_1" not in "".join(files.values())
    assert 'cidr_blocks = ["0.0.0.0/0"]' in files["alb.tf"]


def test_cdn_inputs_are_asked_for_before_merge_and_filled_from_the_spec() -> None:
    data = {k: v for k, v in SPECS["cdn"].items() if k != "inputs"}
    files = generate_all(plan_environment(spec_from_data(data)), Settings())
    tf = {p: t for p, t in files.items() if "/terraform/" in p}
    assert {"cdn_domain", "cdn_certificate_arn", "certificate_arn"} <= {m.name for m in missing_inputs(tf, env={})}
    filled = generate_all(make_plan("cdn"), Settings())
    tf = {p: t for p, t in filled.items() if "/terraform/" in p}
    assert not {"cdn_domain", "cdn_certificate_arn"} & {m.name for m in missing_inputs(tf, env={})}


def test_cloudfront_is_priced_from_usage_per_edge_region_and_its_log_delivery_too() -> None:
    files = {k: v for k, v in terraform_files(make_plan("cdn")).items() if k.endswith(".tf")}
    report = estimate_files(files, usage=DEFAULTS_DIR / "prod.yml")
    assert report["summary"]["unsupportedResourceCounts"] == {}
    resources = {r["name"]: r for p in report["projects"] for r in p["breakdown"]["resources"]}
    costs = {c["name"]: (c["monthlyQuantity"], c["price"]) for c in
             resources["aws_cloudfront_distribution.main"]["costComponents"]}
    assert costs["Data transfer out to internet (us)"] == ("500", "0.085")
    assert costs["HTTPS requests (us)"] == ("5000", "0.01")  # 50M requests, priced per 10k
    assert float(resources["aws_cloudwatch_log_delivery.cdn"]["monthlyCost"]) == 5.0
    assert float(resources["aws_wafv2_web_acl.cdn"]["monthlyCost"]) > 5  # the edge ACL: $5 + its rule groups


def test_an_infracost_usage_map_with_other_regions_is_billed_at_the_european_rate(tmp_path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  aws_cloudfront_distribution.main:\n"
                     "    monthly_data_transfer_to_internet_gb:\n      us: 100\n      europe: 10\n      japan: 10\n")
    files = {k: v for k, v in terraform_files(make_plan("cdn")).items() if k.endswith(".tf")}
    report = estimate_files(files, usage=usage)
    resource = next(r for p in report["projects"] for r in p["breakdown"]["resources"]
                    if r["name"] == "aws_cloudfront_distribution.main")
    costs = {c["name"]: c["monthlyQuantity"] for c in resource["costComponents"]}
    assert costs["Data transfer out to internet (us)"] == "100" and costs["Data transfer out to internet (europe)"] == "20"


@pytest.mark.parametrize("framework", ["hipaa", "pci-dss"])
def test_behind_cloudfront_public_endpoints_still_sit_behind_a_waf(framework: str) -> None:
    spec = spec_from_data({**SPECS["cdn"], "tier": "prod", "compliance": [framework]})
    files = generate_all(plan_environment(spec), Settings(anthropic_api_key=None))
    waf = next(r for r in evaluate(spec, files, failed_checks=set()) if "waf" in r.key)
    assert waf.met, waf.gap
    assert any("alb.tf:" in e for e in waf.evidence)  # the ALB keeps its regional ACL behind CloudFront


def test_a_reviewer_turns_cloudfront_on_with_set_and_supplies_its_inputs() -> None:
    base = {"name": "shop-dev", "cloud": "aws", "region": "eu-west-1", "compute": {"kind": "vm"}}
    data = apply_assignments(base, parse_assignments(
        "cdn=true cdn_domain=shop.example.com cdn_certificate_arn=arn:aws:acm:us-east-1:123456789012:certificate/abc"))
    spec = spec_from_data(data)
    assert spec.app.cdn and spec.inputs is not None and spec.inputs.cdn_domain == "shop.example.com"
    with pytest.raises(SpecError, match="containers and VMs only"):
        spec_from_data({**data, "compute": {"kind": "kubernetes"}})


def test_cloudfront_changed_by_hand_is_security_drift() -> None:
    """Detaching the web ACL or lowering the viewer TLS policy outside Terraform leads the drift issue."""
    before = {"web_acl_id": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x-cdn/1", "comment": "x"}
    change = {"address": "aws_cloudfront_distribution.main",
              "change": {"actions": ["update"], "before": before, "after": {**before, "web_acl_id": ""}}}
    [drifted] = drift_from_plan({"resource_drift": [change]})
    assert drifted.security and drifted.attributes == ["web_acl_id"]


def test_the_report_tells_the_reviewer_to_point_dns_at_cloudfront_and_cover_the_name() -> None:
    result = parse("Django shop on ECS behind CloudFront with a WAF, AWS us-west-2")
    report = run_pipeline(plan_environment(result.spec), Settings(anthropic_api_key=None),
                          requirements=result.requirements).report
    risks = report[report.index("### Risks"):]
    assert "point `cdn_domain`'s DNS record at the `cdn_domain_name` output" in risks
    assert "must cover `cdn_domain` too" in risks
