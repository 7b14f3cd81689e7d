"""Proof by apply: an app behind CloudFront (`app.cdn`) in eu-west-1 goes through init/plan/apply/re-plan/destroy
against moto (same harness as tests/test_aws_apply.py). boto3 then finds what the reviewer was promised: the
distribution with the CLOUDFRONT-scope web ACL made in us-east-1, HTTPS to the ALB, TLS 1.2 for viewers, access logs
delivered to the log bucket, and the ALB admitting CloudFront's origin-facing prefix list only."""

from __future__ import annotations

import boto3
import pytest

from bot.pipeline import terraform
from sandbox.moto_override import write_override
from tests.conftest import require_tool
from tests.support.aws_specs import make_plan, write_terraform
from tests.test_aws_apply import IMAGE, MotoServer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("aws_cdn_apply")]


def _client(moto: MotoServer, service: str, region: str):
    return boto3.client(service, region_name=region, endpoint_url=moto.endpoint, aws_access_key_id="test",
                        aws_secret_access_key="test")


def _observe(moto: MotoServer, region: str) -> dict:
    """The environment's distributions, edge web ACLs, log deliveries and ALB security group rules."""
    items = _client(moto, "cloudfront", "us-east-1").list_distributions()["DistributionList"].get("Items", [])
    acls = _client(moto, "wafv2", "us-east-1").list_web_acls(Scope="CLOUDFRONT")["WebACLs"]
    logs = _client(moto, "logs", "us-east-1")
    groups = _client(moto, "ec2", region).describe_security_groups(
        Filters=[{"Name": "description", "Values": ["Public load balancer"]}])["SecurityGroups"]
    return {"distributions": items, "acls": acls, "deliveries": logs.describe_deliveries()["deliveries"],
            "sources": logs.describe_delivery_sources()["deliverySources"],
            "alb_ingress": [rule for group in groups for rule in group["IpPermissions"]]}


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory) -> dict:
    require_tool("terraform")
    plan = make_plan("cdn")
    region = plan.spec.region
    moto = MotoServer()
    try:
        directory = write_terraform(plan, tmp_path_factory.mktemp("cdn"))
        (directory / "backend.tf").unlink()
        write_override(moto.endpoint, directory)
        certificate = _client(moto, "acm", region).request_certificate(DomainName="shop.example.test")
        env = {"TF_VAR_image": IMAGE, "TF_VAR_certificate_arn": certificate["CertificateArn"],
               "AWS_EC2_METADATA_DISABLED": "true"}
        seen: dict = {}
        for step, call in [("init", lambda: terraform.init(directory)),
                           ("plan", lambda: terraform.plan(directory, out="tfplan", env=env)),
                           ("apply", lambda: terraform.apply(directory, "tfplan", env=env, timeout=420))]:
            result = call()
            if not result.ok:
                seen["failed"] = f"{step}: {result.summary()}"
                return seen
        seen["applied"] = _observe(moto, region)
        seen["prefix_list"] = _client(moto, "ec2", region).describe_managed_prefix_lists(Filters=[
            {"Name": "prefix-list-name", "Values": ["com.amazonaws.global.cloudfront.origin-facing"]}])["PrefixLists"]
        replan = terraform.plan(directory, detailed_exitcode=True, env=env)
        seen["replan"] = replan.returncode
        seen["replan_changes"] = [line for line in replan.stdout.splitlines() if line.strip()[:1] in {"#", "~", "+", "-"}]
        destroyed = terraform.destroy(directory, env=env, timeout=420)
        if not destroyed.ok:
            seen["failed"] = f"destroy: {destroyed.summary()}"
            return seen
        seen["destroyed"] = _observe(moto, region)
        return seen
    finally:
        moto.stop()


def test_the_distribution_serves_the_app_over_tls12_through_the_edge_web_acl(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    [distribution] = lifecycle["applied"]["distributions"]
    [acl] = lifecycle["applied"]["acls"]
    assert acl["Name"] == "shop-edge-dev-cdn" and ":us-east-1:" in acl["ARN"] and ":global/webacl/" in acl["ARN"]
    assert distribution["WebACLId"] == acl["ARN"]
    assert distribution["Aliases"]["Items"] == ["shop.example.test"]
    viewer = distribution["ViewerCertificate"]
    assert viewer["MinimumProtocolVersion"] == "TLSv1.2_2021" and viewer["ACMCertificateArn"].split(":")[3] == "us-east-1"
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    [origin] = distribution["Origins"]["Items"]
    assert origin["DomainName"].endswith(".eu-west-1.elb.amazonaws.com")
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert origin["CustomOriginConfig"]["OriginSslProtocols"]["Items"] == ["TLSv1.2"]


def test_access_logs_are_delivered_and_the_alb_admits_cloudfront_only(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    applied = lifecycle["applied"]
    [source] = applied["sources"]
    assert source["logType"] == "ACCESS_LOGS" and source["resourceArns"] == [applied["distributions"][0]["ARN"]]
    assert len(applied["deliveries"]) == 1
    [prefix_list] = lifecycle["prefix_list"]
    assert [(r["FromPort"], [p["PrefixListId"] for p in r.get("PrefixListIds", [])], r.get("IpRanges"))
            for r in applied["alb_ingress"]] == [(443, [prefix_list["PrefixListId"]], [])]


def test_cdn_replans_clean_and_destroys(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    assert lifecycle["replan"] == 0, lifecycle["replan_changes"]
    destroyed = lifecycle["destroyed"]
    assert destroyed["acls"] == [] and destroyed["sources"] == [] and destroyed["alb_ingress"] == []
    assert [d for d in destroyed["distributions"] if d.get("Enabled")] == []
