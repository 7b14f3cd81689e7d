"""Proof by apply: the CloudWatch alarms and their KMS-encrypted SNS topic, and the Datadog / New Relic wiring of
the ECS tasks, the Lambda function and the VMs, go through init/plan/apply/re-plan/destroy against moto (same
harness as tests/test_aws_apply.py), and boto3 finds what a reviewer was promised."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.pipeline import terraform
from tests.conftest import require_tool
from tests.support.aws_specs import make_plan
from tests.support.moto_apply import apply_reviewed, moto_directory
from tests.test_aws_apply import IMAGE, MotoServer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("aws_alarms_apply")]

KEYS = ["alarms", "alarms-functions", "vm-apm"]


def _observe(moto: MotoServer, name: str) -> dict:
    alarms = moto.client("cloudwatch").describe_alarms()["MetricAlarms"]
    topics = [t["TopicArn"] for t in moto.client("sns").list_topics()["Topics"]]
    topic = next((t for t in topics if t.endswith(f":{name}-alerts")), None)
    # (Application Auto Scaling adds its own target-tracking alarms: only the environment's named ones count)
    seen: dict = {"alarms": {a["AlarmName"]: a for a in alarms if a["AlarmName"].startswith(f"{name}-")},
                  "topic": topic}
    if topic:
        sns = moto.client("sns")
        seen["topic_attributes"] = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        seen["subscriptions"] = [(s["Protocol"], s["Endpoint"])
                                 for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
    return seen


def _app_policy(moto: MotoServer, name: str) -> dict:
    """The statements of the app's own policy (access.tf), by Sid."""
    iam = moto.client("iam")
    (policy,) = [p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"].startswith(f"{name}-app-")]
    document = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    document = document["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    return {statement["Sid"]: statement for statement in document["Statement"]}


def _run(key: str, root: Path) -> dict:
    plan = make_plan(key)
    moto = MotoServer()
    try:
        directory = moto_directory(plan, root / key, moto.endpoint)
        certificate = moto.client("acm").request_certificate(DomainName="app.example.test")["CertificateArn"]
        env = {"TF_VAR_certificate_arn": certificate, "TF_VAR_image": IMAGE, "AWS_EC2_METADATA_DISABLED": "true"}
        secrets = moto.client("secretsmanager")
        for tool in ("datadog", "newrelic"):  # the reviewer stores the key; only its ARN is an input
            env[f"TF_VAR_{tool}_secret_arn"] = secrets.create_secret(Name=f"{tool}-key", SecretString="k")["ARN"]
        env["TF_VAR_newrelic_account_id"] = "1234567"
        seen: dict = {"key": key}
        failed = apply_reviewed(directory, env)
        if failed:
            seen["failed"] = failed
            return seen
        seen["applied"] = _observe(moto, plan.spec.name)
        seen["env"] = env
        seen["databases"] = {d["DBInstanceIdentifier"]: d for d in moto.client("rds").describe_db_instances()["DBInstances"]}
        connection = moto.client("secretsmanager").get_secret_value(SecretId=f"{plan.spec.name}-connection")
        seen["connection"] = json.loads(connection["SecretString"])
        ecs = moto.client("ecs")
        seen["tasks"] = {arn.rsplit("/", 1)[1].split(":")[0]: ecs.describe_task_definition(taskDefinition=arn)[
            "taskDefinition"] for arn in ecs.list_task_definitions()["taskDefinitionArns"]}
        seen["functions"] = {f["FunctionName"]: f for f in moto.client("lambda").list_functions()["Functions"]}
        seen["app_policy"] = _app_policy(moto, plan.spec.name)
        seen["replan"] = terraform.plan(directory, detailed_exitcode=True, env=env).returncode
        destroyed = terraform.destroy(directory, env=env, timeout=420)
        if not destroyed.ok:
            seen["failed"] = f"destroy: {destroyed.summary()}"
            return seen
        seen["destroyed"] = _observe(moto, plan.spec.name)
        return seen
    finally:
        moto.stop()


@pytest.fixture(scope="module")
def lifecycles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    require_tool("terraform")
    root = tmp_path_factory.mktemp("alarms")
    with ThreadPoolExecutor(max_workers=len(KEYS)) as pool:
        return {r["key"]: r for r in pool.map(lambda key: _run(key, root), KEYS)}


def test_alarms_on_the_service_database_and_queue_notify_the_owner(lifecycles: dict[str, dict]) -> None:
    seen = lifecycles["alarms"]
    assert "failed" not in seen, seen.get("failed")
    applied = seen["applied"]
    names = set(applied["alarms"])
    assert names == {f"alerts-dev-{a}" for a in ("target-5xx", "lb-5xx", "latency-p95", "cpu", "memory",
                                                  "db-postgres-cpu", "db-postgres-storage", "db-postgres-connections",
                                                  "queue-age", "dead-letters")}
    topic = applied["topic"]
    assert topic and all(a["AlarmActions"] == [topic] and a["OKActions"] == [topic] for a in applied["alarms"].values())
    assert applied["topic_attributes"]["KmsMasterKeyId"].startswith("arn:aws:kms:")  # encrypted with the env key
    assert "cloudwatch.amazonaws.com" in applied["topic_attributes"]["Policy"]
    assert applied["subscriptions"] == [("email", "oncall@example.com")]
    storage = applied["alarms"]["alerts-dev-db-postgres-storage"]
    assert storage["ComparisonOperator"] == "LessThanThreshold" and storage["Threshold"] == 2 * 1024**3  # 10% of 20 GB
    assert applied["alarms"]["alerts-dev-latency-p95"]["ExtendedStatistic"] == "p95"
    assert seen["replan"] == 0, "a plan right after apply must be clean"
    assert seen["destroyed"]["alarms"] == {} and seen["destroyed"]["topic"] is None


def test_ecs_tasks_carry_the_datadog_sidecar_and_new_relic_key_from_secrets_manager(lifecycles: dict[str, dict]) -> None:
    seen = lifecycles["alarms"]
    assert "failed" not in seen, seen.get("failed")
    datadog, newrelic = seen["env"]["TF_VAR_datadog_secret_arn"], seen["env"]["TF_VAR_newrelic_secret_arn"]
    assert set(seen["tasks"]) == {"alerts-dev", "alerts-dev-jobs"}  # the app and its worker
    for task in seen["tasks"].values():
        containers = {c["name"]: c for c in task["containerDefinitions"]}
        assert set(containers) - {"app", "jobs"} == {"datadog-init", "datadog-agent"}
        agent = containers["datadog-agent"]
        assert agent["secrets"] == [{"name": "DD_API_KEY", "valueFrom": datadog}] and agent["readonlyRootFilesystem"]
        app = containers.get("app") or containers["jobs"]
        assert {"name": "NEW_RELIC_LICENSE_KEY", "valueFrom": newrelic} in app["secrets"]
        assert {"name": "DD_SERVICE", "value": "alerts"} in app["environment"]
        assert {v["name"] for v in task["volumes"]} == {"dd-config", "dd-run", "dd-sockets", "dd-tmp"}


def test_function_alarms_without_an_address_create_no_subscription(lifecycles: dict[str, dict]) -> None:
    seen = lifecycles["alarms-functions"]
    assert "failed" not in seen, seen.get("failed")
    assert set(seen["applied"]["alarms"]) == {f"hooks-alarms-dev-{a}" for a in ("errors", "throttles", "duration-p95",
                                                                               "api-5xx")}
    assert seen["applied"]["subscriptions"] == []
    assert seen["replan"] == 0
    assert seen["destroyed"]["alarms"] == {}


def test_the_read_replica_is_applied_and_the_app_gets_its_url(lifecycles: dict[str, dict]) -> None:
    seen = lifecycles["alarms"]
    assert "failed" not in seen, seen.get("failed")
    replica = seen["databases"]["alerts-dev-postgres-r0"]
    assert replica["ReadReplicaSourceDBInstanceIdentifier"] == "alerts-dev-postgres"
    assert replica["StorageEncrypted"] and not replica["PubliclyAccessible"]
    urls = seen["connection"]["DATABASE_READ_URLS"].split(",")
    assert urls == [f"postgresql://dbadmin@{replica['Endpoint']['Address']}:5432/postgres?sslmode=require"]
    assert seen["connection"]["DATABASE_URL"] != urls[0]


def test_lambda_gets_its_extensions_settings_and_may_read_exactly_the_key_secrets(lifecycles: dict[str, dict]) -> None:
    seen = lifecycles["alarms-functions"]
    assert "failed" not in seen, seen.get("failed")
    datadog, newrelic = seen["env"]["TF_VAR_datadog_secret_arn"], seen["env"]["TF_VAR_newrelic_secret_arn"]
    env = seen["functions"]["hooks-alarms-dev"]["Environment"]["Variables"]
    assert env["DD_API_KEY_SECRET_ARN"] == datadog and env["DD_SITE"] == "datadoghq.com"
    assert env["DD_ENV"] == env["DD_SERVICE"] == "hooks-alarms-dev" and env["DD_VERSION"] == "1.0"  # the image tag
    assert env["NEW_RELIC_LICENSE_KEY_SECRET"] == newrelic and env["NEW_RELIC_ACCOUNT_ID"] == "1234567"
    keys = seen["app_policy"]["ReadMonitoringKeys"]
    assert keys["Action"] in ("secretsmanager:GetSecretValue", ["secretsmanager:GetSecretValue"])
    assert sorted(keys["Resource"]) == sorted([datadog, newrelic])  # exactly the two secrets, nothing wider
    assert seen["replan"] == 0


def test_vm_role_may_read_exactly_the_key_secrets_its_user_data_fetches(lifecycles: dict[str, dict]) -> None:
    seen = lifecycles["vm-apm"]
    assert "failed" not in seen, seen.get("failed")
    keys = seen["app_policy"]["ReadMonitoringKeys"]
    assert sorted(keys["Resource"]) == sorted([seen["env"]["TF_VAR_datadog_secret_arn"],
                                               seen["env"]["TF_VAR_newrelic_secret_arn"]])
    assert seen["replan"] == 0
