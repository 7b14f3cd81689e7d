"""Compliance profiles: frameworks named in a request land in the spec, force retention, and every control
shows its evidence (file:line) or a gap."""

from __future__ import annotations

import pytest

from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import Compliance, spec_from_data
from bot.understanding.deterministic import parse
from bot.understanding.ledger import Status
from generators.build import generate_all
from policies.profiles import PROFILE_DIR, evaluate, load


@pytest.mark.parametrize("framework", [c.value for c in Compliance])
def test_every_framework_has_a_profile_with_referenced_controls(framework: str) -> None:
    profile = load(framework)
    assert profile.framework.value == framework and profile.controls
    assert all(c.requirement and c.reference for c in profile.controls)
    assert "compliant" not in (PROFILE_DIR / f"{framework}.yaml").read_text().replace('"HIPAA compliant"', "")


@pytest.mark.parametrize(
    ("text", "frameworks"),
    [
        ("HIPAA FastAPI app with postgres on AWS", ["hipaa"]),
        ("flask app, PCI-DSS and SOC 2 type II, AWS", ["pci-dss", "soc2"]),
        ("Django on GCP in Belgium, GDPR and ISO 27001", ["gdpr", "iso27001"]),
        ("flask app on AWS, not HIPAA", []),
        ("flask app on AWS, HIPAA is not required", []),
    ],
)
def test_frameworks_named_in_a_request_land_in_the_spec(text: str, frameworks: list[str]) -> None:
    result = parse(text)
    assert result.spec is not None, result.questions
    assert [c.value for c in result.spec.compliance] == frameworks
    rows = {r.key: r for r in result.requirements}
    for framework in frameworks:
        assert rows[f"compliance:{framework}"].status == Status.honoured
        assert "compliant" not in rows[f"compliance:{framework}"].label.lower()


def test_gdpr_with_a_region_outside_the_eu_is_asked_about() -> None:
    result = parse("GDPR django app in us-east-1")
    assert result.needs_clarification
    assert any("outside" in q and "EU/EEA" in q for q in result.questions)
    answered = parse("GDPR django app in us-east-1", answers=("use Frankfurt",))
    assert answered.spec is not None and answered.spec.region == "eu-central-1"
    assert parse("GDPR django app on GCP").spec.region.startswith("europe-")  # no region named: an EU one


def test_profiles_force_retention_within_what_each_cloud_accepts() -> None:
    def plan(cloud: str, region: str, frameworks: list[str]):
        return plan_environment(
            spec_from_data(
                {
                    "name": "a-dev",
                    "cloud": cloud,
                    "region": region,
                    "app": {"framework": "flask"},
                    "databases": [{"engine": "postgres"}],
                    "compliance": frameworks,
                }
            )
        )

    aws = plan("aws", "us-east-1", ["hipaa"])
    assert (aws.sizing.log_retention_days, aws.sizing.db_backup_retention_days) == (2192, 35)
    assert any(c.key == "log_retention_days" and "HIPAA" in c.reason for c in aws.choices)
    assert plan("aws", "us-east-1", ["pci-dss"]).sizing.log_retention_days == 365
    assert plan("azure", "westeurope", ["hipaa"]).sizing.log_retention_days == 730  # Log Analytics' ceiling
    assert plan("aws", "us-east-1", []).sizing.log_retention_days == 30


def test_controls_show_evidence_or_a_gap_in_the_generated_files() -> None:
    spec = spec_from_data(
        {
            "name": "a-dev",
            "cloud": "aws",
            "region": "us-east-1",
            "app": {"framework": "flask"},
            "databases": [{"engine": "postgres"}],
            "cache": {"engine": "redis"},
            "compliance": ["hipaa", "gdpr"],
        }
    )
    files = generate_all(plan_environment(spec), Settings(anthropic_api_key=None))
    results = {r.key: r for r in evaluate(spec, files, failed_checks={"CKV_AWS_16"})}
    transit = results["hipaa:encryption-in-transit"]
    assert transit.met and any("Redis TLS" in e and "elasticache.tf:" in e for e in transit.evidence)
    assert results["hipaa:log-retention"].met
    assert not results["hipaa:encryption-at-rest"].met and "CKV_AWS_16" in results["hipaa:encryption-at-rest"].gap
    assert not results["gdpr:data-residency"].met and "us-east-1" in results["gdpr:data-residency"].gap
    for result in results.values():
        assert result.met or result.gap
        for evidence in result.evidence:
            if "spec `region`" not in evidence and not evidence.startswith("not applicable: "):
                path, line = evidence.rsplit(": ", 1)[1].rsplit(":", 1)
                assert path in files and 1 <= int(line) <= files[path].count("\n") + 1
