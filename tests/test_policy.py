"""Org policy rules over the spec, the generated Terraform and the estimate; overrides and guards."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.spec import spec_from_data
from generators.hcl import Call, Ref, block, render
from policies.engine import evaluate, may_apply, may_request, worst
from policies.schema import Override, load_policy, parse_policy

TAGS = {"environment": "shop-dev", "tier": "dev", "owner": "team-a", "managed-by": "dev-agent"}


def spec(**over):
    data = {"name": "shop-dev", "cloud": "aws", "region": "us-east-1", "tier": "dev", "ttl_days": 7}
    data.update(over)
    return spec_from_data(data)


def aws_files(*resources, default_tags=TAGS) -> dict[str, str]:
    provider = block("provider", "aws", region="us-east-1")
    if default_tags is not None:
        provider.body["default_tags"] = block("default_tags", tags=dict(default_tags))
    return {"environments/shop-dev/terraform/main.tf": render([provider, *resources])}


def good_db(**over):
    body = dict(engine="postgres", instance_class="db.t3.micro", storage_encrypted=True, publicly_accessible=False)
    body.update(over)
    return block("resource", "aws_db_instance", "main", **body)


def by_rule(verdicts):
    return {v.rule: v for v in verdicts}


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def test_compliant_environment_passes_every_rule(policy):
    sg = block(
        "resource",
        "aws_security_group",
        "alb",
        vpc_id=Ref("aws_vpc.main.id"),
        ingress=[block("ingress", from_port=443, to_port=443, protocol="tcp", cidr_blocks=["0.0.0.0/0"])],
    )
    verdicts = evaluate(
        policy, spec(budget_monthly_usd=100), aws_files(good_db(), sg), {"totalMonthlyCost": "42.5"}, requester="alice"
    )
    assert worst(verdicts) == "pass", [v for v in verdicts if v.outcome != "pass"]
    assert {
        "cloud-allowed",
        "region-allowed",
        "ttl-within-tier",
        "requester-allowed",
        "instance-types-allowed",
        "required-tags",
        "guard:no-public-database",
        "guard:no-open-admin-ports",
        "guard:storage-encrypted",
        "cost-within-tier",
        "cost-within-budget",
        "budget-within-tier",
    } <= set(by_rule(verdicts))


def test_ssh_and_database_ports_open_to_the_internet_fail_with_resource_and_line(policy):
    sg = block(
        "resource",
        "aws_security_group",
        "vm",
        ingress=[
            block("ingress", from_port=22, to_port=22, protocol="tcp", cidr_blocks=["0.0.0.0/0"]),
            block("ingress", from_port=5432, to_port=5432, protocol="tcp", ipv6_cidr_blocks=["::/0"]),
        ],
    )
    rdp = block(
        "resource",
        "aws_vpc_security_group_ingress_rule",
        "rdp",
        cidr_ipv4="0.0.0.0/0",
        from_port=3389,
        to_port=3389,
        ip_protocol="tcp",
        security_group_id=Ref("aws_security_group.vm.id"),
    )
    verdict = by_rule(evaluate(policy, spec(), aws_files(sg, rdp)))["guard:no-open-admin-ports"]
    assert verdict.outcome == "fail"
    assert "aws_security_group.vm opens 22 (SSH), 5432 (PostgreSQL)" in verdict.value
    assert "aws_vpc_security_group_ingress_rule.rdp opens 3389 (RDP)" in verdict.value
    assert "main.tf:" in verdict.value and verdict.fix


def test_all_traffic_rule_counts_as_open_admin_ports(policy):
    sg = block(
        "resource",
        "aws_security_group_rule",
        "all",
        type="ingress",
        from_port=0,
        to_port=0,
        protocol="-1",
        cidr_blocks=["0.0.0.0/0"],
        security_group_id="sg-1",
    )
    assert by_rule(evaluate(policy, spec(), aws_files(sg)))["guard:no-open-admin-ports"].outcome == "fail"


def test_a_port_range_that_is_not_a_literal_fails_closed(policy):
    sg = block(
        "resource",
        "aws_security_group_rule",
        "x",
        type="ingress",
        from_port=Ref("var.port"),
        to_port=Ref("var.port"),
        protocol="tcp",
        cidr_blocks=["0.0.0.0/0"],
        security_group_id="sg-1",
    )
    assert by_rule(evaluate(policy, spec(), aws_files(sg)))["guard:no-open-admin-ports"].outcome == "fail"


def test_public_or_unencrypted_database_fails(policy):
    verdicts = by_rule(evaluate(policy, spec(), aws_files(good_db(publicly_accessible=True, storage_encrypted=False))))
    assert verdicts["guard:no-public-database"].outcome == "fail"
    assert "publicly_accessible" in verdicts["guard:no-public-database"].value
    assert verdicts["guard:storage-encrypted"].outcome == "fail"
    assert "aws_db_instance.main: storage_encrypted is not true" in verdicts["guard:storage-encrypted"].value


def test_s3_bucket_needs_its_encryption_configuration(policy):
    bucket = block("resource", "aws_s3_bucket", "assets", bucket="shop-dev-assets")
    bad = by_rule(evaluate(policy, spec(), aws_files(bucket)))["guard:storage-encrypted"]
    assert bad.outcome == "fail" and "aws_s3_bucket.assets" in bad.value
    sse = block(
        "resource",
        "aws_s3_bucket_server_side_encryption_configuration",
        "assets",
        bucket=Ref("aws_s3_bucket.assets.id"),
        rule=block(
            "rule",
            apply_server_side_encryption_by_default=block(
                "apply_server_side_encryption_by_default", sse_algorithm="aws:kms"
            ),
        ),
    )
    assert by_rule(evaluate(policy, spec(), aws_files(bucket, sse)))["guard:storage-encrypted"].outcome == "pass"


def test_gcp_and_azure_public_databases_and_firewalls_fail(policy):
    sql = block(
        "resource",
        "google_sql_database_instance",
        "db",
        database_version="POSTGRES_16",
        settings=block("settings", tier="db-f1-micro", ip_configuration=block("ip_configuration", ipv4_enabled=True)),
    )
    fw = block(
        "resource",
        "google_compute_firewall",
        "ssh",
        network="default",
        source_ranges=["0.0.0.0/0"],
        allow=block("allow", protocol="tcp", ports=["22", "8000-9000"]),
    )
    verdicts = by_rule(evaluate(policy, spec(cloud="gcp", region="us-central1"), {"main.tf": render([sql, fw])}))
    assert verdicts["guard:no-public-database"].outcome == "fail"
    assert "22 (SSH)" in verdicts["guard:no-open-admin-ports"].value

    nsg = block(
        "resource",
        "azurerm_network_security_group",
        "vm",
        tags=TAGS,
        security_rule=block(
            "security_rule",
            name="rdp",
            priority=100,
            direction="Inbound",
            access="Allow",
            protocol="Tcp",
            source_address_prefix="*",
            destination_port_range="3389",
            source_port_range="*",
            destination_address_prefix="*",
        ),
    )
    pg = block(
        "resource",
        "azurerm_postgresql_flexible_server",
        "db",
        sku_name="B_Standard_B1ms",
        tags=TAGS,
        public_network_access_enabled=True,
    )
    verdicts = by_rule(evaluate(policy, spec(cloud="azure", region="westeurope"), {"main.tf": render([nsg, pg])}))
    assert "3389 (RDP)" in verdicts["guard:no-open-admin-ports"].value
    assert verdicts["guard:no-public-database"].outcome == "fail"
    assert verdicts["required-tags"].outcome == "pass"


def test_required_tags_count_aws_default_tags_and_name_missing_ones(policy):
    vpc = block("resource", "aws_vpc", "main", cidr_block="10.0.0.0/16")
    assert by_rule(evaluate(policy, spec(), aws_files(vpc)))["required-tags"].outcome == "pass"
    verdict = by_rule(evaluate(policy, spec(), aws_files(vpc, default_tags={"owner": "x"})))["required-tags"]
    assert verdict.outcome == "fail"
    assert "aws_vpc.main lacks environment, managed-by, tier" in verdict.value


def test_tags_from_an_unreadable_expression_warn_instead_of_failing(policy):
    vpc = block("resource", "aws_vpc", "main", cidr_block="10.0.0.0/16")
    provider = block(
        "provider", "aws", default_tags=block("default_tags", tags=Call("merge", Ref("var.tags"), {"a": "b"}))
    )
    verdict = by_rule(evaluate(policy, spec(), {"main.tf": render([provider, vpc])}))["required-tags"]
    assert verdict.outcome == "warn" and verdict.value == "aws_vpc.main"
    local = block("locals", tags=dict(TAGS))
    provider.body["default_tags"] = block("default_tags", tags=Ref("local.tags"))
    assert (
        by_rule(evaluate(policy, spec(), {"main.tf": render([local, provider, vpc])}))["required-tags"].outcome
        == "pass"
    )


def test_instance_type_outside_allowed_families_fails(policy):
    db = good_db(instance_class="db.r6g.16xlarge")
    node = block("resource", "aws_eks_node_group", "main", instance_types=["t3.medium", "p4d.24xlarge"])
    verdict = by_rule(evaluate(policy, spec(), aws_files(db, node)))["instance-types-allowed"]
    assert verdict.outcome == "fail"
    assert "db.r6g.16xlarge" in verdict.value and "p4d.24xlarge" in verdict.value and "t3.medium" not in verdict.value


def test_azure_redis_class_is_read_from_sku_family_and_capacity(policy):
    def redis(sku, family, capacity):
        return {
            "main.tf": render(
                [
                    block(
                        "resource",
                        "azurerm_redis_cache",
                        "c",
                        sku_name=sku,
                        family=family,
                        capacity=capacity,
                        tags=TAGS,
                    )
                ]
            )
        }

    azure = spec(cloud="azure", region="westeurope")
    assert by_rule(evaluate(policy, azure, redis("Basic", "C", 0)))["instance-types-allowed"].value == "Basic_C0"
    assert by_rule(evaluate(policy, azure, redis("Premium", "P", 5)))["instance-types-allowed"].outcome == "fail"


def test_spec_rules_cloud_region_ttl_budget_requester():
    policy = parse_policy(
        "clouds:\n  aws:\n    regions: [us-east-1]\ntiers:\n  dev:\n    max_monthly_usd: 200\n    max_ttl_days: 14\n"
        "request:\n  users: [alice]\n  teams: [acme/devs]\n",
        "p.yaml",
    )
    verdicts = by_rule(
        evaluate(policy, spec(region="eu-west-1", ttl_days=30, budget_monthly_usd=300), requester="mallory")
    )
    assert verdicts["region-allowed"].outcome == "fail" and "us-east-1" in verdicts["region-allowed"].fix
    assert verdicts["ttl-within-tier"].outcome == "fail" and verdicts["ttl-within-tier"].fix == "set ttl_days <= 14"
    assert verdicts["budget-within-tier"].outcome == "warn"
    assert verdicts["requester-allowed"].outcome == "fail"
    assert by_rule(evaluate(policy, spec(cloud="gcp", region="us-central1")))["cloud-allowed"].outcome == "fail"
    assert by_rule(evaluate(policy, spec(ttl_days=None)))["ttl-within-tier"].outcome == "warn"
    assert policy.may_request("bob", ["acme/devs"]) and not policy.may_request("bob", ["acme/ops"])


def test_estimate_over_budget_and_tier_cap_fails(policy):
    verdicts = by_rule(evaluate(policy, spec(budget_monthly_usd=50), {}, {"totalMonthlyCost": "612.30"}))
    assert verdicts["cost-within-budget"].outcome == "fail" and verdicts["cost-within-budget"].value == "$612.30/month"
    assert (
        verdicts["cost-within-tier"].outcome == "fail"
        and verdicts["cost-within-tier"].message == "above the dev cap of $500/month"
    )


def test_authorised_override_turns_fail_into_warn_with_person_and_reason(policy):
    at = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    ok = Override(rule="cost-within-tier", by="carol", teams=["acme/platform"], reason="load test this week", at=at)
    verdict = by_rule(evaluate(policy, spec(), {}, {"totalMonthlyCost": "900"}, overrides=[ok]))["cost-within-tier"]
    assert verdict.outcome == "warn"
    assert "overridden by @carol on 2026-11-23: load test this week" in verdict.message

    stranger = ok.model_copy(update={"by": "dave", "teams": []})
    verdict = by_rule(evaluate(policy, spec(), {}, {"totalMonthlyCost": "900"}, overrides=[stranger]))[
        "cost-within-tier"
    ]
    assert verdict.outcome == "fail" and "not authorised" in verdict.message


def test_builtin_guards_cannot_be_overridden(policy):
    at = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    override = Override(rule="guard:no-public-database", by="carol", teams=["platform"], reason="demo", at=at)
    verdict = by_rule(evaluate(policy, spec(), aws_files(good_db(publicly_accessible=True)), overrides=[override]))
    assert verdict["guard:no-public-database"].outcome == "fail"
    assert "built-in guard" in verdict["guard:no-public-database"].message


def test_unparseable_terraform_fails_instead_of_passing_guards(policy):
    verdict = by_rule(evaluate(policy, spec(), {"main.tf": 'resource "aws_vpc" {'}))["terraform-parses"]
    assert verdict.outcome == "fail" and "main.tf" in verdict.value


def test_who_may_request_and_apply_with_the_bundled_policy():
    assert may_request("anyone")
    assert not may_apply("alice") and not may_apply("alice", ["acme/devs"])
    assert may_apply("alice", ["acme/platform"]) and may_apply("alice", ["platform"])
