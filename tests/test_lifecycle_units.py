"""Lifecycle building blocks: drift from a plan, expiry schedule and extension, apply comments."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.commands.arguments import parse_duration_days
from bot.lifecycle.drift import drift_from_plan, drift_issue_body
from bot.lifecycle.expiry import expiry_action, extended_spec
from bot.lifecycle.outputs import failure_comment, public_outputs, success_comment, trim_error
from bot.spec import spec_from_data

TODAY = dt.date(2026, 11, 23)


def test_drift_lists_resources_and_changed_attributes() -> None:
    plan = {"resource_drift": [
        {"address": "aws_security_group.app", "change": {"actions": ["update"],
         "before": {"ingress": [{"from_port": 443}], "tags": {"owner": "a"}}, "after": {"ingress": [{"from_port": 22}], "tags": {"owner": "a"}}}},
        {"address": "aws_s3_bucket.uploads", "change": {"actions": ["update"],
         "before": {"tags": {"owner": "a", "tier": "dev"}}, "after": {"tags": {"owner": "mallory|x", "tier": "dev"}}}},
    ]}
    drifted = drift_from_plan(plan)
    assert [(d.address, d.attributes) for d in drifted] == [
        ("aws_security_group.app", ["ingress"]), ("aws_s3_bucket.uploads", ["tags.owner"])]
    body = drift_issue_body("web-dev", drifted)
    assert "<!-- dev-agent:drift env=web-dev -->" in body and "`aws_s3_bucket.uploads`" in body
    assert drift_from_plan({}) == []


def test_drift_ignores_the_providers_null_to_empty_refresh_noise() -> None:
    # after an apply, the AWS provider's refresh turns `tags = null` into `{}` on resources tagged only through
    # default_tags (seen on 16 resources of an EKS environment): no drift, unless something else moved
    plan = {"resource_drift": [
        _drift("aws_kms_key.main", {"tags": None, "secondary_allocation_ids": None},
               {"tags": {}, "secondary_allocation_ids": []}),
        _drift("aws_vpc.main", {"tags": None, "tags_all": {"tier": "dev"}},
               {"tags": {"owner": "mallory"}, "tags_all": {"tier": "dev", "owner": "mallory"}}),
    ]}
    assert [(d.address, d.attributes) for d in drift_from_plan(plan)] == [
        ("aws_vpc.main", ["tags", "tags_all.owner"])]


def _drift(address: str, before: dict, after: dict, actions: tuple[str, ...] = ("update",)) -> dict:
    return {"address": address, "change": {"actions": list(actions), "before": before, "after": after}}


def test_drift_issue_leads_with_security_and_collapses_tag_noise() -> None:
    """35 buckets with a hand-edited tag, one SSH-from-anywhere rule added by hand, one resized instance."""
    ssh = {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
    https = {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/16"]}
    plan = {"resource_drift": [
        *(_drift(f"aws_s3_bucket.b{i}", {"tags": {"team": "a"}, "tags_all": {"team": "a"}},
                 {"tags": {"team": "b"}, "tags_all": {"team": "b"}}) for i in range(35)),
        _drift("aws_db_instance.main", {"instance_class": "db.t4g.micro"}, {"instance_class": "db.t4g.large"}),
        _drift("aws_security_group.app", {"ingress": [https]}, {"ingress": [https, ssh]}),
        _drift("aws_s3_bucket_public_access_block.uploads", {"block_public_acls": True}, {"block_public_acls": False}),
    ]}
    drifted = drift_from_plan(plan)
    assert [d.address for d in drifted[:2]] == ["aws_security_group.app", "aws_s3_bucket_public_access_block.uploads"]
    assert drifted[0].findings == ["now allows tcp port 22 from 0.0.0.0/0"]
    assert drifted[1].findings == ["block_public_acls: true → false"]
    body = drift_issue_body("web-dev", drifted)
    security, rest = body.split("### Security-relevant changes")[1].split("### Other changes")
    assert "found 38 resource(s)" in body and "**2 of them security-relevant**" in body
    assert "`aws_security_group.app` (update): now allows tcp port 22 from 0.0.0.0/0" in security
    assert "`aws_db_instance.main`" in rest and "instance\\_class" in rest
    assert "Tags only: 35 resource(s) had their tags or labels changed (`aws_s3_bucket.b0`" in rest
    assert "and 30 more" in rest and "aws_s3_bucket.b7" not in body
    assert body.index("Security-relevant") < body.index("Other changes") < body.index("Tags only")


def test_a_narrowed_rule_is_not_reported_as_opened() -> None:
    wide = {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
    narrow = {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]}
    [drifted] = drift_from_plan({"resource_drift": [_drift("aws_security_group.app", {"ingress": [wide]},
                                                            {"ingress": [narrow]})]})
    assert drifted.security and drifted.findings == []
    assert "aws_security_group.app` (update): ingress" in drift_issue_body("x", [drifted])


def test_a_drifted_secret_is_named_never_shown() -> None:
    """A password reset or an auth token changed by hand is security-relevant: the issue says it changed, and
    neither value (Terraform's plan JSON carries them in clear, marked in before/after_sensitive)."""
    change = _drift("aws_elasticache_replication_group.cache",
                    {"auth_token": "old-token-1", "transit_encryption_enabled": True, "engine_version": "7.1"},
                    {"auth_token": "new-token-2", "transit_encryption_enabled": False, "engine_version": "7.1"})
    change["change"] |= {"before_sensitive": {"auth_token": True}, "after_sensitive": {"auth_token": True}}
    marked = _drift("aws_db_instance.main", {"master_user_pw": "hunter2", "publicly_accessible": False},
                    {"master_user_pw": "hunter3", "publicly_accessible": False})
    marked["change"] |= {"after_sensitive": {"master_user_pw": True}}
    cache, db = drift_from_plan({"resource_drift": [change, marked]})
    assert cache.findings == ["auth_token changed (sensitive value not shown)",
                              "transit_encryption_enabled: true → false"]
    assert db.findings == ["master_user_pw changed (sensitive value not shown)"]
    body = drift_issue_body("web-dev", [cache, db])
    assert not {"old-token-1", "new-token-2", "hunter2", "hunter3"} & set(body.replace("`", " ").split()), body


@pytest.mark.parametrize(("days", "action"), [(5, None), (2, "warn-2"), (1, "warn-1"), (0, "destroy"), (-3, "destroy")])
def test_expiry_schedule(days: int, action: str | None) -> None:
    assert expiry_action(TODAY + dt.timedelta(days=days), TODAY) == action
    assert expiry_action(None, TODAY) is None


def test_extend_moves_the_date_within_the_tier_maximum() -> None:
    spec = spec_from_data({"name": "a-dev", "cloud": "aws", "region": "us-west-2", "expires_on": "2026-11-25"})
    assert extended_spec(spec, parse_duration_days("7d"), TODAY, max_ttl_days=30).expires_on == dt.date(2026, 12, 2)
    with pytest.raises(ValueError, match="at most 14 days"):
        extended_spec(spec, parse_duration_days("2w"), TODAY, max_ttl_days=14)
    for bad in ("soon", "0d", "-3d", "7d; rm -rf /"):
        with pytest.raises(ValueError):
            parse_duration_days(bad)


def test_outputs_hide_sensitive_values_and_errors_are_redacted() -> None:
    outputs = public_outputs({"db_host": {"value": "db.internal", "sensitive": False},
                              "db_password": {"value": "hunter2", "sensitive": True}})
    assert outputs == {"db_host": "db.internal"}
    comment = success_comment("web-dev", outputs, {"terraform apply": 12.3}, "Helm: rendered; no cluster configured")
    assert "hunter2" not in comment and "`db.internal`" in comment
    error = "x" * 10_000 + "\nError: AccessDenied with token ghs_abcdefghijklmnopqrstuvwxyz0123"
    trimmed = trim_error(error)
    assert "ghs_abc" not in trimmed and "AccessDenied" in trimmed and len(trimmed) < 6100
    failed = failure_comment("web-dev", "terraform apply", "```\nboom", revert_url=None)
    assert "no earlier applied revision" in failed and "````" in failed
