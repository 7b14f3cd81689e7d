"""Prod alarms on GCP and Azure (generators/terraform/{gcp,azure}/alarms.py): Cloud Monitoring alert policies with an
email channel, Azure Monitor metric alerts with an action group; what they watch per compute kind, database and queue;
fmt- and checkov-clean; priced; and what the reviewer reads in the report. GCP/Azure providers are not installed here:
the files are checked by parsing (python-hcl2), terraform fmt and checkov."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.cost import estimate_files
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.understanding.deterministic import parse as understand
from generators.terraform.build import generate
from tests.generated_terraform import checkov_all, first, fmt_check, parse, plan_for, resources, unskipped, write

GCP = {
    "containers": {"name": "shop-prod", "tier": "prod", "owner": "web", "inputs": {"alert_email": "web@example.org"},
                   "compute": {"kind": "containers"}, "databases": [{"engine": "postgres"}, {"engine": "mysql"}],
                   "queue": {"engine": "pubsub"}},
    "kubernetes": {"name": "kube-prod", "tier": "prod", "compute": {"kind": "kubernetes"}},
    "vm": {"name": "legacy-prod", "tier": "prod", "compute": {"kind": "vm"}},
    "functions": {"name": "hooks-prod", "tier": "prod", "compute": {"kind": "functions"}},
}
AZURE = {
    "containers": {"name": "shop-prod", "tier": "prod", "owner": "web", "inputs": {"alert_email": "web@example.org"},
                   "compute": {"kind": "containers"}, "databases": [{"engine": "postgres"}, {"engine": "mysql"}],
                   "queue": {"engine": "servicebus"}},
    "kubernetes": {"name": "kube-prod", "tier": "prod", "compute": {"kind": "kubernetes"}},
    "vm": {"name": "legacy-prod", "tier": "prod", "compute": {"kind": "vm", "min_replicas": 2, "max_replicas": 2}},
    "functions": {"name": "hooks-prod", "tier": "prod", "compute": {"kind": "functions"}},
}
REGION = {"gcp": "europe-west1", "azure": "eastus"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[Path, dict]]:
    out = tmp_path_factory.mktemp("alarms")
    result = {}
    for cloud, stacks in (("gcp", GCP), ("azure", AZURE)):
        for kind, data in stacks.items():
            tf_dir = write(plan_for({"cloud": cloud, "region": REGION[cloud], **data}), out / cloud / kind)
            result[(cloud, kind)] = (tf_dir, parse(tf_dir))
    return result


def _alarms(parsed: dict, type_: str) -> dict[str, dict[str, Any]]:
    return {name: body for _, name, body in resources(parsed, type_)}


def _gcp_metric(policy: dict) -> str:
    condition = first(first(policy["conditions"])["condition_threshold"])
    match = re.search(r'metric\.type = \\?"([^"\\]+)', condition["filter"])
    assert match, condition["filter"]
    return match.group(1)


def test_gcp_policies_watch_users_compute_databases_and_queue(generated) -> None:
    _, parsed = generated[("gcp", "containers")]
    policies = _alarms(parsed, "google_monitoring_alert_policy")
    assert {name: _gcp_metric(p) for name, p in policies.items()} == {
        "http_5xx": "run.googleapis.com/request_count", "latency_p95": "run.googleapis.com/request_latencies",
        "cpu": "run.googleapis.com/container/cpu/utilizations",
        "memory": "run.googleapis.com/container/memory/utilizations",
        "db_postgres_cpu": "cloudsql.googleapis.com/database/cpu/utilization",
        "db_postgres_storage": "cloudsql.googleapis.com/database/disk/utilization",
        "db_postgres_connections": "cloudsql.googleapis.com/database/postgresql/num_backends",
        "db_mysql_cpu": "cloudsql.googleapis.com/database/cpu/utilization",
        "db_mysql_storage": "cloudsql.googleapis.com/database/disk/utilization",
        "db_mysql_connections": "cloudsql.googleapis.com/database/network/connections",
        "queue_age": "pubsub.googleapis.com/subscription/oldest_unacked_message_age",
        "dead_letters": "pubsub.googleapis.com/topic/send_message_operation_count"}
    five = first(first(policies["http_5xx"]["conditions"])["condition_threshold"])
    assert 'response_code_class = \\"5xx\\"' in five["filter"] and five["threshold_value"] == 10
    assert five["filter"].endswith(", google_cloud_run_v2_service.app.name)}")  # this environment's service
    assert all(p["notification_channels"] == "${google_monitoring_notification_channel.owner[*].name}"
               for p in policies.values())
    (channel,) = _alarms(parsed, "google_monitoring_notification_channel").values()
    assert channel["type"] == "email" and channel["labels"] == {"email_address": "${var.alert_email}"}
    (variable,) = [v for v in parsed["variables.tf"]["variable"] if "alert_email" in v]
    assert variable["alert_email"]["default"] == "web@example.org"  # the owner's address from the spec


@pytest.mark.parametrize(("kind", "metrics"), [
    ("kubernetes", {"kubernetes.io/node/cpu/allocatable_utilization", "kubernetes.io/node/memory/allocatable_utilization"}),
    ("vm", {"compute.googleapis.com/instance/cpu/utilization"}),
    ("functions", {"run.googleapis.com/request_count", "run.googleapis.com/request_latencies",
                   "run.googleapis.com/container/cpu/utilizations", "run.googleapis.com/container/memory/utilizations"}),
])
def test_gcp_policies_per_compute_kind(generated, kind: str, metrics: set[str]) -> None:
    _, parsed = generated[("gcp", kind)]
    assert {_gcp_metric(p) for p in _alarms(parsed, "google_monitoring_alert_policy").values()} == metrics


def test_azure_alerts_watch_users_compute_databases_and_queue(generated) -> None:
    _, parsed = generated[("azure", "containers")]
    alerts = _alarms(parsed, "azurerm_monitor_metric_alert")
    metrics = {name: (first(a["criteria"])["metric_namespace"], first(a["criteria"])["metric_name"])
               for name, a in alerts.items()}
    assert metrics == {
        "http_5xx": ("Microsoft.App/containerApps", "Requests"),
        "cpu": ("Microsoft.App/containerApps", "CpuPercentage"),
        "memory": ("Microsoft.App/containerApps", "MemoryPercentage"),
        "db_postgres_cpu": ("Microsoft.DBforPostgreSQL/flexibleServers", "cpu_percent"),
        "db_postgres_storage": ("Microsoft.DBforPostgreSQL/flexibleServers", "storage_percent"),
        "db_postgres_connections": ("Microsoft.DBforPostgreSQL/flexibleServers", "active_connections"),
        "db_mysql_cpu": ("Microsoft.DBforMySQL/flexibleServers", "cpu_percent"),
        "db_mysql_storage": ("Microsoft.DBforMySQL/flexibleServers", "storage_percent"),
        "db_mysql_connections": ("Microsoft.DBforMySQL/flexibleServers", "active_connections"),
        "queue_backlog": ("Microsoft.ServiceBus/namespaces", "ActiveMessages"),
        "dead_letters": ("Microsoft.ServiceBus/namespaces", "DeadletteredMessages")}
    five = first(alerts["http_5xx"]["criteria"])
    assert first(five["dimension"]) == {"name": "statusCodeCategory", "operator": "Include", "values": ["5xx"]}
    assert alerts["db_postgres_connections"]["criteria"][0]["threshold"] == 1375  # 80% of GP_Standard_D4ds_v4's 1719
    assert all(first(a["dynamic"])["action"]["for_each"] == "${azurerm_monitor_action_group.owner[*].id}"
               for a in alerts.values())
    (group,) = _alarms(parsed, "azurerm_monitor_action_group").values()
    assert first(group["email_receiver"])["email_address"] == "${var.alert_email}"


def test_azure_vm_alerts_scope_every_vm(generated) -> None:
    _, parsed = generated[("azure", "vm")]
    alerts = _alarms(parsed, "azurerm_monitor_metric_alert")
    assert {first(a["criteria"])["metric_name"] for a in alerts.values()} == {"Percentage CPU",
                                                                              "Available Memory Percentage"}
    assert all(a["scopes"] == "${azurerm_linux_virtual_machine.app[*].id}" for a in alerts.values())


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_dev_environments_get_no_alarms(tmp_path: Path, cloud: str) -> None:
    data = {**GCP["containers"], "name": "shop-dev", "tier": "dev"} if cloud == "gcp" else {
        **AZURE["containers"], "name": "shop-dev", "tier": "dev"}
    files = generate(plan_for({"cloud": cloud, "region": REGION[cloud], **data}), Settings())
    assert not [p for p in files if p.endswith("/alarms.tf")]


def test_alarm_files_are_fmt_canonical(generated) -> None:
    for tf_dir, _ in generated.values():
        result = fmt_check(tf_dir)
        assert result.returncode == 0, result.stdout + result.stderr


def test_alarm_stacks_pass_checkov_with_documented_skips_only(generated) -> None:
    results = checkov_all({f"{cloud}/{kind}": tf_dir for (cloud, kind), (tf_dir, _) in generated.items()})
    for key, failures in results.items():
        assert unskipped(failures, key.split("/")[0]) == [], key


@pytest.mark.parametrize(("cloud", "type_", "count"), [("gcp", "google_monitoring_alert_policy", 12),
                                                       ("azure", "azurerm_monitor_metric_alert", 11)])
def test_alarms_are_priced_at_ten_cents_a_condition(cloud: str, type_: str, count: int) -> None:
    data = GCP["containers"] if cloud == "gcp" else AZURE["containers"]
    plan = plan_for({"cloud": cloud, "region": REGION[cloud], **data})
    report = estimate_files({p: t for p, t in generate(plan, Settings()).items() if "/terraform/" in p})
    priced = [r for p in report["projects"] for r in p["breakdown"]["resources"] if r["name"].startswith(type_ + ".")]
    assert len(priced) == count and all(float(r["monthlyCost"]) == pytest.approx(0.10) for r in priced)
    assert not report["summary"].get("unsupportedResourceCounts")


@pytest.mark.parametrize(("request_text", "where"), [
    ("prod FastAPI with Postgres on GCP Cloud Run in europe-west1, alerts to on-call", "/terraform/alarms.tf:"),
    ("prod FastAPI with Postgres on Azure Container Apps in eastus, alerts to on-call", "/terraform/alarms.tf:"),
])
def test_report_points_prod_alerts_at_alarms_tf(request_text: str, where: str) -> None:
    understanding = understand(request_text)
    assert understanding.spec is not None, understanding.questions
    report = run_pipeline(plan_environment(understanding.spec), Settings(anthropic_api_key=None),
                          requirements=understanding.requirements).report
    table = report[report.index("### Requirements"):report.index("### Summary")]
    row = next(line for line in table.splitlines() if "| Alerts / paging" in line)
    assert "✅ honoured" in row and where in row, row
