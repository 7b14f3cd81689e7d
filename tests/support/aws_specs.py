"""Representative AWS environment specs shared by the generate, checkov and apply tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.pipeline.planning import Plan, plan_environment
from bot.settings import Settings
from bot.spec import spec_from_data
from generators.terraform.build import generate

TODAY = dt.date(2026, 1, 5)

SPECS: dict[str, dict] = {
    "kubernetes": dict(name="shop-dev", cloud="aws", region="us-east-1", owner="team-shop", ttl_days=7,
                       compute=dict(kind="kubernetes", min_replicas=2, max_replicas=6)),
    "containers": dict(name="api-dev", cloud="aws", region="us-east-1", owner="team-api",
                       compute=dict(kind="containers", min_replicas=1, max_replicas=3)),
    "vm": dict(name="legacy-dev", cloud="aws", region="us-east-1", compute=dict(kind="vm", min_replicas=2, max_replicas=2)),
    "functions": dict(name="hooks-dev", cloud="aws", region="us-east-1", compute=dict(kind="functions")),
    "postgres-redis-s3-sqs": dict(name="payments-dev", cloud="aws", region="us-east-1", owner="payments",
                                  ttl_days=14, compute=dict(kind="containers"),
                                  databases=[dict(engine="postgres", version="16")], cache=dict(engine="redis"),
                                  buckets=[dict(name="receipts")], queue=dict(engine="sqs")),
    "mysql-ha": dict(name="orders-staging", cloud="aws", region="us-east-1", tier="staging",
                     compute=dict(kind="containers"), databases=[dict(engine="mysql", high_availability=True)]),
    "worker-staging": dict(name="shop-staging", service="shop", cloud="aws", region="us-east-1", tier="staging",
                           app=dict(framework="rails", port=3000), compute=dict(kind="containers", max_replicas=3),
                           databases=[dict(engine="mysql", high_availability=True)], cache=dict(engine="redis"),
                           workers=[dict(name="sidekiq", command=["bundle", "exec", "sidekiq"])]),
    "mongo-kafka-search": dict(name="catalog-dev", cloud="aws", region="us-east-1", compute=dict(kind="kubernetes"),
                               databases=[dict(engine="mongodb")], queue=dict(engine="kafka"),
                               search=dict(engine="opensearch")),
    "memcached-rabbitmq": dict(name="chat-dev", cloud="aws", region="us-east-1", compute=dict(kind="vm"),
                               cache=dict(engine="memcached"), queue=dict(engine="rabbitmq")),
    "alarms": dict(name="alerts-dev", service="alerts", cloud="aws", region="us-east-1", owner="team-alerts",
                   compute=dict(kind="containers"), databases=[dict(engine="postgres", read_replicas=1)],
                   queue=dict(engine="sqs"), workers=[dict(name="jobs", command=["python", "-m", "jobs"])],
                   monitoring=["cloudwatch", "datadog", "newrelic"], inputs=dict(alert_email="oncall@example.com")),
    "alarms-functions": dict(name="hooks-alarms-dev", cloud="aws", region="us-east-1", compute=dict(kind="functions"),
                             monitoring=["cloudwatch", "datadog", "newrelic"]),
    "vm-apm": dict(name="legacy-apm-dev", service="legacy", cloud="aws", region="us-east-1",
                   compute=dict(kind="vm", min_replicas=1, max_replicas=1), monitoring=["datadog", "newrelic"]),
    "components": dict(name="ledger-dev", service="ledger", cloud="aws", region="us-east-1", owner="team-ledger",
                       compute=dict(kind="containers"),
                       databases=[dict(engine="postgres", aurora=True, read_replicas=1),
                                  dict(engine="mysql", aurora=True)],
                       cache=dict(engine="redis", shards=2, replicas_per_shard=1),
                       tables=[dict(name="sessions"), dict(name="ledger-entries", partition_key="account", sort_key="at")],
                       notifications=True, monitoring=["cloudwatch"]),
    "cdn": dict(name="shop-edge-dev", service="shop-edge", cloud="aws", region="eu-west-1", compute=dict(kind="containers"),
                app=dict(cdn=True), inputs=dict(cdn_domain="shop.example.test",
                                                cdn_certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/edge")),
    "sqlserver": dict(name="billing-staging", service="billing-api", cloud="aws", region="us-east-1", tier="staging",
                      owner="team-billing", app=dict(language="dotnet"), compute=dict(kind="containers"),
                      databases=[dict(engine="sqlserver", version="2022")]),
    "eks-prod": dict(name="store-prod", service="store-api", cloud="aws", region="us-east-1", tier="prod",
                     owner="team-store", compute=dict(kind="kubernetes", min_replicas=3, max_replicas=9),
                     databases=[dict(engine="postgres")], cache=dict(engine="redis"), buckets=[dict(name="media")],
                     queue=dict(engine="sqs")),
    "prod": dict(name="shop-prod", cloud="aws", region="us-west-2", tier="prod", owner="team-shop",
                 compute=dict(kind="containers", min_replicas=3, max_replicas=9),
                 databases=[dict(engine="postgres"), dict(engine="mongodb")], cache=dict(engine="redis"),
                 queue=dict(engine="rabbitmq"), search=dict(engine="opensearch"), buckets=[dict(name="assets")]),
}


def make_plan(key: str) -> Plan:
    """The plan of one named spec."""
    return plan_environment(spec_from_data(SPECS[key]), today=TODAY)


def terraform_files(plan: Plan, settings: Settings | None = None) -> dict[str, str]:
    """Generated Terraform keyed by file name (`versions.tf`, ...)."""
    files = generate(plan, settings or Settings())
    return {Path(path).name: text for path, text in files.items()}


def write_terraform(plan: Plan, directory: Path, settings: Settings | None = None) -> Path:
    """Write the generated Terraform into `directory` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in terraform_files(plan, settings).items():
        (directory / name).write_text(text)
    return directory
