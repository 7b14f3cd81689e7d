"""Every seed capability a request can name shows up in the PR report's Requirements table: honoured (with the
generated file and line), or explicitly adjusted / not supported with the reason — never silently dropped."""

from __future__ import annotations

import re

import pytest

from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.understanding.deterministic import parse

BASE = "{ask} on AWS us-east-1"
CASES = [
    # languages
    ("Python 3.12 api", "language:python", "honoured"),
    ("Node 20 api", "language:node", "honoured"),
    ("Go service in Go 1.22", "language:go", "honoured"),
    ("Java 21 api", "language:java", "honoured"),
    ("Ruby 3.3 api", "language:ruby", "honoured"),
    ("PHP 8.3 api", "language:php", "honoured"),
    (".NET 8 api", "language:dotnet", "honoured"),
    ("Rust api", "language:rust", "honoured"),
    # databases (and two dev-agent does not build)
    ("FastAPI with Postgres", "database:postgres", "honoured"),
    ("FastAPI with MySQL", "database:mysql", "honoured"),
    ("FastAPI with MongoDB", "database:mongodb", "honoured"),
    ("ASP.NET Core app with SQL Server 2022", "database:sqlserver", "honoured"),
    ("FastAPI with Aurora Postgres and two readers", "component:aurora", "honoured"),
    ("FastAPI with Redis in cluster mode, 3 shards", "component:redis-cluster", "honoured"),
    ("FastAPI with a DynamoDB table called sessions", "component:dynamodb", "honoured"),
    ("FastAPI with SNS notifications", "component:notifications", "honoured"),
    ("FastAPI with Postgres and a read replica", "component:read-replicas", "honoured"),
    ("FastAPI behind CloudFront with a WAF", "component:cdn", "honoured"),
    ("FastAPI on EKS behind CloudFront", "component:cdn", "unsupported"),  # the cluster makes its load balancer
    # monitoring tools
    ("FastAPI on EKS with Prometheus", "monitoring:prometheus", "honoured"),
    ("FastAPI with Prometheus", "monitoring:prometheus", "unsupported"),  # ECS: the chart's ServiceMonitor needs k8s
    ("FastAPI on EKS with Grafana", "monitoring:grafana", "honoured"),
    ("FastAPI with Datadog", "monitoring:datadog", "honoured"),  # ECS: Agent sidecar + key from Secrets Manager
    ("FastAPI on EKS with Datadog", "monitoring:datadog", "honoured"),  # chart: service tags + node-local Agent
    ("FastAPI on an EC2 VM with Datadog", "monitoring:datadog", "honoured"),  # the Agent in the user data
    ("FastAPI on an EC2 VM with New Relic", "monitoring:newrelic", "honoured"),
    ("FastAPI with New Relic", "monitoring:newrelic", "honoured"),
    ("FastAPI on Lambda with New Relic", "monitoring:newrelic", "honoured"),  # the extension's settings
    ("FastAPI on Lambda with Datadog", "monitoring:datadog", "honoured"),
    ("FastAPI with CloudWatch alarms", "monitoring:cloudwatch", "honoured"),
    ("FastAPI with alerting", "monitoring:alerts", "unsupported"),  # dev without cloudwatch: no alarms
    ("prod FastAPI with alerting", "monitoring:alerts", "honoured"),
    # secrets tools
    ("FastAPI with Postgres, secrets in Secrets Manager", "secrets:manager", "honoured"),
    ("FastAPI with Vault", "secrets:vault", "adjusted"),
    ("FastAPI with SOPS", "secrets:sops", "unsupported"),
    ("FastAPI on EKS with External Secrets", "secrets:external-secrets", "honoured"),
    ("FastAPI with KMS customer-managed keys", "encryption:cmk", "honoured"),
    # compliance frameworks
    ("HIPAA FastAPI", "compliance:hipaa", "honoured"),
    ("PCI DSS FastAPI", "compliance:pci-dss", "honoured"),
    ("SOC 2 FastAPI", "compliance:soc2", "honoured"),
    ("ISO 27001 FastAPI", "compliance:iso27001", "honoured"),
    # local Docker
    ("FastAPI with Postgres, and docker compose for local development", "local:docker", "honoured"),
]
# The file a honoured monitoring ask points at (the generated component that meets it; a regex).
WHERE = {"monitoring:prometheus": "/templates/servicemonitor.yaml:", "monitoring:grafana": "/templates/dashboard.yaml:",
         "monitoring:cloudwatch": "/terraform/alarms.tf:", "monitoring:alerts": "/terraform/alarms.tf:",
         "component:aurora": "/terraform/aurora.tf:", "component:dynamodb": "/terraform/dynamodb.tf:",
         "component:redis-cluster": "/terraform/elasticache.tf:", "component:notifications": "/terraform/notifications.tf:",
         "monitoring:datadog": r"/terraform/(ecs|ec2|lambda)\.tf:|/helm/[^/]+/values\.yaml:",
         "monitoring:newrelic": r"/terraform/(ecs|ec2|lambda)\.tf:",
         "component:read-replicas": "/terraform/rds.tf:", "component:cdn": "/terraform/cloudfront.tf:"}


def report_for(text: str) -> str:
    understanding = parse(text)
    assert understanding.spec is not None, understanding.questions
    result = run_pipeline(
        plan_environment(understanding.spec), Settings(anthropic_api_key=None), requirements=understanding.requirements
    )
    return result.report


def requirement_row(report: str, key_label: str) -> str:
    table = report[report.index("### Requirements") : report.index("### Summary")]
    rows = [line for line in table.splitlines() if line.startswith("| ") and key_label in line]
    assert rows, f"no Requirements row for {key_label!r}:\n{table}"
    return rows[0]


@pytest.mark.parametrize(("ask", "key", "status"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_seed_capability_is_honoured_or_flagged_in_the_report(ask: str, key: str, status: str) -> None:
    text = BASE.format(ask=ask)
    understanding = parse(text)
    rows = {r.key: r for r in understanding.requirements}
    assert key in rows, sorted(rows)
    report = report_for(text)
    row = requirement_row(report, rows[key].label.split(" (")[0])
    assert f"| {'✅' if status == 'honoured' else '↪️' if status == 'adjusted' else '⚠️'} {status}" in row
    if status == "honoured":
        assert re.search(r"`[^`]+:\d+`", row), row  # the generated file and line
        assert re.search(WHERE.get(key, ""), row), row
    else:
        assert len(row.split("|")[4].strip()) > 20  # the reason is spelled out
    if status == "unsupported":
        assert "Ready for review" not in report and f"requirement:{key}" in report


@pytest.mark.parametrize(
    ("cloud", "words", "region"),
    [("aws", "AWS", "us-east-1"), ("gcp", "GCP", "us-central1"), ("azure", "Azure", "eastus")],
)
def test_each_cloud_is_honoured_with_its_spec_line(cloud: str, words: str, region: str) -> None:
    report = report_for(f"FastAPI with Postgres on {words} {region}")
    row = requirement_row(report, f"Cloud: {words}")
    assert "✅ honoured" in row and "environment.yaml:" in row


@pytest.mark.parametrize(
    ("ask", "key"),
    [
        ("ASP.NET Core app with Oracle", "database:oracle"),
        ("GDPR FastAPI app", "compliance:gdpr"),
    ],
)
def test_an_unbuilt_choice_is_asked_before_anything_is_proposed(ask: str, key: str) -> None:
    result = parse(BASE.format(ask=ask))
    assert result.needs_clarification and result.spec is None
    row = {r.key: r for r in result.requirements}[key]
    assert row.status.value == "unsupported" and row.question in result.questions


def test_gdpr_is_honoured_in_an_eu_region() -> None:
    report = report_for("GDPR FastAPI with Postgres on AWS Frankfurt")
    assert "✅ honoured" in requirement_row(report, "GDPR profile")
    assert "### Compliance" in report and "eu-central-1 is in the EU/EEA" in report
