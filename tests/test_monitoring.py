"""Monitoring that is wired: `monitoring: [prometheus, grafana]` puts a ServiceMonitor, RED-alert PrometheusRule and a
Grafana dashboard into the chart (schema-valid, PromQL that parses, reachable through the NetworkPolicy);
`cloudwatch` (and every AWS prod environment) gets CloudWatch alarms to an encrypted SNS topic, priced in the
cost table; the request's words turn into honoured Requirements rows that point at those files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import helm_python
import kubernetes_validate
import pytest
import yaml

from bot import hclread
from bot.commands.arguments import apply_assignments, parse_assignments
from bot.cost import estimate_files
from bot.inputs import missing_inputs
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from bot.understanding.deterministic import parse
from generators import helm
from tests.support.aws_specs import SPECS, make_plan, terraform_files
from tests.support.charts import render_chart
from tests.support.promql import monitoring_errors

K8S = dict(name="shop-staging", service="shop", cloud="aws", region="us-east-1", tier="staging",
           compute=dict(kind="kubernetes", min_replicas=2, max_replicas=4), monitoring=["prometheus", "grafana"])


@pytest.fixture(scope="module")
def chart(tmp_path_factory: pytest.TempPathFactory):
    return render_chart(K8S, tmp_path_factory.mktemp("monitoring"))


def test_service_monitor_scrapes_the_apps_service(chart) -> None:
    _, objects, _ = chart
    (monitor,), (service,) = objects["ServiceMonitor"], objects["Service"]
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"  # what the operator selects by
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["shop-staging"]}
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s", "scheme": "http"}]
    assert [p["name"] for p in service["spec"]["ports"]] == ["http"]


def test_red_alerts_name_the_app_and_parse_as_promql(chart) -> None:
    _, objects, _ = chart
    (rule,) = objects["PrometheusRule"]
    rules = {r["alert"]: r for g in rule["spec"]["groups"] for r in g["rules"]}
    assert set(rules) == {"AppDown", "AppHighErrorRate", "AppHighLatency", "AppHighCpu", "AppHighMemory"}
    assert 'job="shop",namespace="shop-staging",status=~"5.."' in rules["AppHighErrorRate"]["expr"]
    assert rules["AppHighLatency"]["expr"].endswith("> 0.5")  # staging: p95 above half a second
    assert rules["AppDown"]["labels"] == {"severity": "critical", "environment": "shop-staging"}
    assert monitoring_errors(objects["ServiceMonitor"] + objects["PrometheusRule"], []) == []


def test_the_schema_and_promql_checks_reject_broken_objects(chart) -> None:
    _, objects, _ = chart
    broken = json.loads(json.dumps(objects["PrometheusRule"][0]))
    broken["spec"]["groups"][0]["rules"][1]["expr"] = "sum(rate(http_requests_total{job=[5m])"
    monitor = json.loads(json.dumps(objects["ServiceMonitor"][0]))
    monitor["spec"]["endpoints"][0]["port"] = 8080  # must be a port name
    errors = monitoring_errors([broken, monitor], [])
    assert any("PromQL" in e for e in errors) and any(e.startswith("ServiceMonitor") for e in errors), errors


def test_prometheus_may_reach_the_pods_and_nothing_else_new(chart) -> None:
    _, objects, _ = chart
    (policy,) = objects["NetworkPolicy"]
    sources = [rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
               for rule in policy["spec"]["ingress"]]
    assert sources == ["ingress-nginx", "monitoring"]
    assert all(rule["ports"] == [{"port": "http", "protocol": "TCP"}] for rule in policy["spec"]["ingress"])


def test_grafana_dashboard_is_a_sidecar_configmap_with_the_apps_queries(chart) -> None:
    _, objects, _ = chart
    (config,) = objects["ConfigMap"]
    assert config["metadata"]["labels"]["grafana_dashboard"] == "1"
    (name, text), = config["data"].items()
    assert name == "shop.json"
    dashboard = json.loads(text)
    queries = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert [p["title"] for p in dashboard["panels"]] == ["Requests per second", "5xx share", "Latency p50 / p95",
                                                         "CPU and memory of the pods"]
    assert all('namespace="$namespace"' in q for q in queries)
    assert monitoring_errors([], [q.replace("$namespace", "shop-staging") for q in queries]) == []
    kubernetes_validate.validate(config, "1.30", strict=True)


def test_chart_with_monitoring_lints_clean(chart) -> None:
    path, objects, _ = chart
    report = helm_python.lint(str(path), strict=True)
    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == []
    for kind in ("NetworkPolicy", "Service", "Deployment"):
        kubernetes_validate.validate(objects[kind][0], "1.30", strict=True)


def test_without_monitoring_the_chart_has_none_of_it(tmp_path: Path) -> None:
    _, objects, files = render_chart({**K8S, "monitoring": []}, tmp_path)
    assert not {"ServiceMonitor", "PrometheusRule", "ConfigMap"} & set(objects)
    assert len(objects["NetworkPolicy"][0]["spec"]["ingress"]) == 1
    assert not [p for p in files if "dashboard" in p or "servicemonitor" in p or "prometheusrule" in p]


def test_grafana_alone_still_scrapes_the_metrics_its_dashboard_reads(tmp_path: Path) -> None:
    _, objects, _ = render_chart({**K8S, "monitoring": ["grafana"]}, tmp_path)
    assert "ServiceMonitor" in objects and "ConfigMap" in objects and "PrometheusRule" not in objects


# --- CloudWatch alarms --------------------------------------------------------------------------------------------

def _resources(text: str) -> dict[str, dict]:
    return {name: body for entry in hclread.loads(text).get("resource", []) for rtype, named in entry.items()
            for name, body in named.items() if rtype == "aws_cloudwatch_metric_alarm"}


def test_cloudwatch_alarms_cover_users_compute_database_and_queue() -> None:
    files = terraform_files(make_plan("alarms"))
    alarms = _resources(files["alarms.tf"])
    assert set(alarms) == {"target_5xx", "lb_5xx", "latency_p95", "cpu", "memory", "db_postgres_cpu",
                           "db_postgres_storage", "db_postgres_connections", "queue_age", "dead_letters"}
    assert alarms["db_postgres_connections"]["threshold"] == 89  # 80% of db.t3.micro's 112 default connections
    assert "kms_master_key_id = aws_kms_key.main.arn" in files["alarms.tf"]  # the topic is encrypted ...
    assert "CloudWatchAlarmsPublish" in files["kms.tf"]  # ... with a key CloudWatch may use to publish
    assert 'default     = "oncall@example.com"' in files["variables.tf"]


def test_prod_gets_alarms_by_default_and_dev_does_not() -> None:
    assert "alarms.tf" in terraform_files(make_plan("eks-prod"))
    eks = _resources(terraform_files(make_plan("eks-prod"))["alarms.tf"])
    assert "node_cpu" in eks and "db_postgres_storage" in eks and "queue_age" in eks
    dev = terraform_files(make_plan("containers"))
    assert "alarms.tf" not in dev and "CloudWatchAlarmsPublish" not in dev["kms.tf"]


def test_alarms_and_topic_are_priced_in_the_cost_table() -> None:
    files = terraform_files(make_plan("alarms"))
    report = estimate_files(files, usage=Path("bot/cost/usage_defaults/dev.yml"))
    resources = {r["name"]: r for r in report["projects"][0]["breakdown"]["resources"]}
    alarm_costs = [float(r["monthlyCost"]) for name, r in resources.items() if name.startswith("aws_cloudwatch_metric_alarm.")]
    assert len(alarm_costs) == 10 and all(c == pytest.approx(0.10) for c in alarm_costs)
    assert float(resources["aws_sns_topic.alerts"]["monthlyCost"]) > 0


# --- the path users take: request words -> report -------------------------------------------------------------------

def _report(text: str) -> str:
    understanding = parse(text)
    assert understanding.spec is not None, understanding.questions
    return run_pipeline(plan_environment(understanding.spec), Settings(anthropic_api_key=None),
                        requirements=understanding.requirements).report


def _requirements(text: str) -> str:
    report = _report(text)
    return report[report.index("### Requirements"):report.index("### Summary")]


def test_report_points_prometheus_and_grafana_at_the_chart() -> None:
    table = _requirements("staging FastAPI api for shop on EKS in us-east-1 with Prometheus and Grafana dashboards")
    rows = {line.split("|")[2].strip(): line for line in table.splitlines() if line.startswith("| ")}
    assert "✅ honoured" in rows["Prometheus metrics"] and "/templates/servicemonitor.yaml:" in rows["Prometheus metrics"]
    assert "✅ honoured" in rows["Grafana dashboards"] and "/templates/dashboard.yaml:" in rows["Grafana dashboards"]
    assert "not supported" not in table


def test_report_points_cloudwatch_alarms_and_paging_at_alarms_tf() -> None:
    table = _requirements("FastAPI with Postgres on AWS us-east-1, CloudWatch alarms and SNS notifications to on-call")
    for label in ("CloudWatch alarms", "Notifications", "Alerts / paging"):
        row = next(line for line in table.splitlines() if f"| {label}" in line)
        assert "✅ honoured" in row and "/terraform/alarms.tf:" in row, row
    assert "not supported" not in table



def test_set_alert_email_addresses_the_topic_and_bad_addresses_are_refused() -> None:
    data = apply_assignments(dict(SPECS["alarms"], inputs={}), parse_assignments("alert_email=pager@example.org"))
    files = terraform_files(plan_environment(spec_from_data(data)))
    assert 'default     = "pager@example.org"' in files["variables.tf"]
    bad = apply_assignments(dict(SPECS["alarms"], inputs={}), parse_assignments('alert_email=${jndi}@evil'))
    with pytest.raises(SpecError, match=r"inputs\.alert_email"):
        spec_from_data(bad)


# --- Datadog / New Relic on ECS ---------------------------------------------------------------------------------------

def test_apm_keys_are_inputs_by_secret_arn_and_never_in_files() -> None:
    plan = make_plan("alarms")
    files = terraform_files(plan)
    assert "DD_API_KEY" in files["ecs.tf"] and "valueFrom = var.datadog_secret_arn" in files["ecs.tf"]
    assert "valueFrom = var.newrelic_secret_arn" in files["ecs.tf"]
    policy = files["ecs.tf"].split('data "aws_iam_policy_document" "task_execution"')[1].split("\nresource ")[0]
    assert "var.datadog_secret_arn" in policy and "var.newrelic_secret_arn" in policy  # the execution role reads them
    missing = {m.name for m in missing_inputs(files)}
    assert {"datadog_secret_arn", "newrelic_secret_arn"} <= missing  # "Before you merge" names both
    data = apply_assignments(dict(SPECS["alarms"]), parse_assignments(
        "datadog_secret_arn=arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-AbCdEf"))
    tfvars = json.loads(terraform_files(plan_environment(spec_from_data(data)))["dev-agent.auto.tfvars.json"])
    assert tfvars["datadog_secret_arn"].endswith(":secret:dd-AbCdEf")
    with pytest.raises(SpecError, match=r"inputs\.datadog_secret_arn"):
        spec_from_data({**SPECS["alarms"], "inputs": {"datadog_secret_arn": "0123456789abcdef0123456789abcdef"}})


def test_report_honours_datadog_on_ecs_and_flags_it_on_cloud_run() -> None:
    report = _report("FastAPI with Postgres on AWS us-east-1 on ECS Fargate, Datadog and New Relic")
    ecs = report[report.index("### Requirements"):report.index("### Summary")]
    before = report[report.index("Before you merge"):report.index("### Spec")]
    assert "`datadog_secret_arn`" in before and "`newrelic_secret_arn`" in before  # the keys' secrets, by ARN
    for label in ("Datadog agent", "New Relic agent"):
        row = next(line for line in ecs.splitlines() if f"| {label}" in line)
        assert "✅ honoured" in row and "/terraform/ecs.tf:" in row, row
    cloud_run = _requirements("FastAPI on Cloud Run in GCP us-central1 with Datadog")
    row = next(line for line in cloud_run.splitlines() if "| Datadog agent" in line)
    assert "⚠️ unsupported" in row and "nothing is generated for this runtime" in row, row


# --- RDS read replicas ------------------------------------------------------------------------------------------------

def test_read_replicas_are_rds_replicas_the_app_reads_through_its_own_setting() -> None:
    spec = {**SPECS["alarms"], "databases": [{"engine": "mysql", "read_replicas": 2}]}
    files = terraform_files(plan_environment(spec_from_data(spec)))
    replicas = hclread.loads(files["rds.tf"])["resource"]
    (replica,) = [named["mysql_replica"] for entry in replicas for rtype, named in entry.items()
                  if rtype == "aws_db_instance" and "mysql_replica" in named]
    assert replica["count"] == 2 and replica["storage_encrypted"] is True and replica["publicly_accessible"] is False
    assert re.search(r"replicate_source_db\s+= aws_db_instance\.mysql\.identifier", files["rds.tf"])
    assert "DATABASE_READ_URLS = join(\",\", formatlist(\"mysql://" in files["connection.tf"]
    assert "DATABASE_READ_URLS" in files["ecs.tf"]  # ECS injects it like every connection setting


def test_read_replicas_reach_the_chart_and_are_refused_where_not_built() -> None:
    eks = {**SPECS["eks-prod"], "databases": [{"engine": "postgres", "read_replicas": 1}]}
    values = yaml.safe_load(next(t for p, t in helm.generate(plan_environment(spec_from_data(eks)), Settings()).items()
                                 if p.endswith("values.yaml")))
    assert "DATABASE_READ_URLS" in values["secretEnv"]
    for bad in ({"engine": "mongodb", "read_replicas": 1}, {"engine": "postgres", "read_replicas": 6}):
        with pytest.raises(SpecError, match=r"databases\.0\.read_replicas"):
            spec_from_data({**SPECS["alarms"], "databases": [bad]})
    with pytest.raises(SpecError, match="AWS only"):
        spec_from_data({"name": "x-dev", "cloud": "gcp", "region": "us-central1",
                        "databases": [{"engine": "postgres", "read_replicas": 1}]})


def test_report_points_read_replicas_at_rds_tf_and_asks_above_the_limit() -> None:
    table = _requirements("Django on AWS us-east-1 with Postgres and two read replicas")
    row = next(line for line in table.splitlines() if "| Read replicas" in line)
    assert "✅ honoured" in row and "/terraform/rds.tf:" in row, row
    assert [d.read_replicas for d in parse("Django on AWS us-east-1 with Postgres and two read replicas").spec.databases] == [2]
    assert "limit of 5" in " ".join(parse("Django on AWS us-east-1 with Postgres and 10 read replicas").questions)
    gcp = _requirements("Django on GCP us-central1 with Postgres and a read replica")
    assert "⚠️ unsupported | Read replicas" in gcp
