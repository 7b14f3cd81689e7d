"""The app's AWS identity: the generated policy is exactly the grant table's statements for the environment's own
resources, attached to the role its compute runs as; the connection secret reaches every runtime without a password."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot import hclread
from bot.pipeline.planning import plan_environment
from bot.spec import spec_from_data
from generators.hcl import expr
from generators.terraform.aws.access import GRANTS, WORKLOAD_ROLE, grants
from generators.terraform.aws.scheduler import aws_cron
from tests.support.aws_specs import SPECS, make_plan, terraform_files

REF = re.compile(r"(?<![.\w])(aws_[a-z0-9_]+\.[a-z0-9_-]+)\.")
# The one grant on secrets the environment does not create: the Datadog / New Relic keys the reviewer stores and
# names by ARN (inputs), read by a Lambda function or a VM itself.
INPUT_SECRETS = {"${var.datadog_secret_arn}", "${var.newrelic_secret_arn}"}


def _parsed(plan) -> dict[str, dict]:
    return {name: hclread.loads(text) for name, text in terraform_files(plan).items() if name.endswith(".tf")}


def _document(parsed: dict[str, dict], label: str) -> list[dict[str, Any]]:
    """The statements of `data "aws_iam_policy_document" "<label>"`."""
    for doc in parsed.values():
        for entry in doc.get("data", []):
            if label in entry.get("aws_iam_policy_document", {}):
                return entry["aws_iam_policy_document"][label]["statement"]
    raise AssertionError(f"no policy document {label}")


def _resources(parsed: dict[str, dict]) -> dict[str, dict]:
    return {f"{rtype}.{name}": body for doc in parsed.values() for entry in doc.get("resource", [])
            for rtype, named in entry.items() for name, body in named.items()}


def _addresses(expression: Any) -> set[str]:
    """The resources an HCL expression (as python-hcl2 prints it) refers to."""
    return set(REF.findall(str(expression)))


@pytest.mark.parametrize("key", list(SPECS))
def test_app_policy_is_the_grant_table_for_the_environments_own_resources(key: str) -> None:
    plan = make_plan(key)
    parsed = _parsed(plan)
    statements = _document(parsed, "app")
    expected = grants(plan)
    assert [s["sid"] for s in statements] == [g.sid for g in expected]
    resources = _resources(parsed)
    for statement, grant in zip(statements, expected, strict=True):
        assert statement["effect"] == "Allow"
        assert statement["actions"] == list(grant.actions)
        assert all("*" not in action for action in statement["actions"])  # never a wildcard action
        assert statement["resources"] != ["*"]
        if set(statement["resources"]) <= INPUT_SECRETS:
            assert grant.sid == "ReadMonitoringKeys" and statement["actions"] == ["secretsmanager:GetSecretValue"]
            continue
        named = set().union(*(_addresses(r) for r in statement["resources"]))
        assert named == set().union(*(_addresses(expr(r)) for r in grant.resources)), statement
        assert named, f"{grant.sid} names no resource of the environment"
        for address in named:
            assert address in resources, f"{grant.sid} names {address}, which this environment does not create"
    attachment = resources["aws_iam_role_policy_attachment.app"]
    assert attachment["role"] == f"${{aws_iam_role.{WORKLOAD_ROLE[plan.spec.compute.kind]}.name}}"


def test_each_data_service_gets_exactly_its_own_actions() -> None:
    plan = make_plan("postgres-redis-s3-sqs")
    by_sid = {s["sid"]: s for s in _document(_parsed(plan), "app")}
    assert by_sid["UseQueue"]["resources"] == ["${aws_sqs_queue.main.arn}"]
    assert "sqs:DeleteQueue" not in by_sid["UseQueue"]["actions"]
    assert by_sid["ListBucketReceipts"]["resources"] == ["${aws_s3_bucket.bucket_receipts.arn}"]
    assert by_sid["ReadWriteBucketReceiptsObjects"]["actions"] == ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    assert "aws_s3_bucket.logs" not in json.dumps(by_sid)  # the access-log bucket is not the app's
    master_secret = "${aws_db_instance.postgres.master_user_secret[0].secret_arn}"
    assert by_sid["ReadPostgresMasterSecret"]["resources"] == [master_secret]
    assert "dbuser:%s/app" in by_sid["ConnectPostgresWithIam"]["resources"][0]
    assert by_sid["ConnectRedisWithIam"]["actions"] == ["elasticache:Connect"]
    assert set(GRANTS) >= {"sqs", "buckets (S3)", "postgres/mysql (RDS)", "redis (ElastiCache)", "connection secret"}


def test_eks_pods_get_the_app_role_through_pod_identity_on_the_charts_service_account() -> None:
    plan = make_plan("eks-prod")
    resources = _resources(_parsed(plan))
    association = resources["aws_eks_pod_identity_association.app"]
    assert association["service_account"] == "store-api"  # the chart's service account (named after the service)
    assert association["namespace"] == "${var.k8s_namespace}"
    assert association["role_arn"] == "${aws_iam_role.app.arn}"
    trust = resources["aws_iam_role.app"]["assume_role_policy"]
    assert "pods.eks.amazonaws.com" in trust and "sts:TagSession" in trust
    eso = resources["aws_eks_pod_identity_association.external_secrets"]
    assert (eso["namespace"], eso["service_account"]) == ("external-secrets", "external-secrets")
    eso_policy = _document(_parsed(plan), "external_secrets")
    assert eso_policy[0]["actions"] == ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    assert "${aws_secretsmanager_secret.connection.arn}" in eso_policy[0]["resources"]


def test_ecs_gets_settings_and_passwords_as_secrets_never_as_values() -> None:
    plan = make_plan("postgres-redis-s3-sqs")
    files = terraform_files(plan)
    ecs = files["ecs.tf"]
    for env in ("DATABASE_URL", "REDIS_URL", "SQS_QUEUE_URL", "BUCKET_RECEIPTS"):
        assert f'format("%s:{env}::", aws_secretsmanager_secret.connection.arn)' in ecs
    assert 'format("%s:password::", aws_db_instance.postgres.master_user_secret[0].secret_arn)' in ecs
    assert "environment" not in ecs  # no plain env var carries a setting
    connection = files["connection.tf"]
    assert "password" not in connection.lower().replace("no passwords", "")
    assert 'name                    = "payments-dev-connection"' in connection  # no "/": valid on every cloud
    execution = _document(_parsed(plan), "task_execution")
    assert execution[0]["resources"] == ["${aws_secretsmanager_secret.connection.arn}",
                                         "${aws_db_instance.postgres.master_user_secret[0].secret_arn}"]


def test_lambda_reads_settings_from_env_and_the_password_secret_by_arn() -> None:
    plan = plan_environment(spec_from_data(dict(name="hooks-dev", cloud="aws", region="us-east-1",
                                                compute=dict(kind="functions"), databases=[dict(engine="postgres")])))
    text = terraform_files(plan)["lambda.tf"]
    assert "CONNECTION_SECRET_ARN        = aws_secretsmanager_secret.connection.arn" in text
    assert "DATABASE_PASSWORD_SECRET_ARN = aws_db_instance.postgres.master_user_secret[0].secret_arn" in text
    assert "kms_key_arn" in text


def test_scheduled_lambda_has_a_schedule_and_no_public_endpoint() -> None:
    plan = plan_environment(spec_from_data(dict(name="nightly-dev", cloud="aws", region="us-east-1",
                                                compute=dict(kind="functions", schedule="30 2 * * *"))))
    files = terraform_files(plan)
    assert "aws_apigatewayv2" not in "".join(files.values())
    assert 'schedule_expression          = "cron(30 2 * * ? *)"' in files["schedule.tf"]
    statements = _document(_parsed(plan), "scheduler")
    assert statements == [{"sid": "InvokeTheJob", "effect": "Allow", "actions": ["lambda:InvokeFunction"],
                           "resources": ["${aws_lambda_function.app.arn}"]}]
    assert aws_cron("0 2 * * 1-5") == "cron(0 2 ? * 2-6 *)"  # EventBridge counts Sunday as 1


def test_internal_vm_with_ssh_from_a_named_network() -> None:
    plan = plan_environment(spec_from_data(dict(name="admin-dev", cloud="aws", region="us-east-1",
                                                app=dict(exposure="internal"),
                                                compute=dict(kind="vm", ssh_from=["10.0.0.0/8"]))))
    files = terraform_files(plan)
    assert "0.0.0.0/0" not in files["alb.tf"]
    resources = _resources(_parsed(plan))
    assert resources["aws_lb.main"]["internal"] is True
    assert resources["aws_lb.main"]["subnets"] == "${aws_subnet.private[*].id}"
    app_sg = resources["aws_security_group.app"]
    ssh = [rule for rule in app_sg["ingress"] if rule["from_port"] == 22]
    assert [rule["cidr_blocks"] for rule in ssh] == [["10.0.0.0/8"]]
    user_data = resources["aws_instance.app"]["user_data"]
    assert "docker" in user_data and "aws_secretsmanager_secret.connection.arn" in user_data
    assert "systemctl enable --now app.service" in user_data


def test_ecs_worker_runs_next_to_the_app_without_a_port() -> None:
    plan = plan_environment(spec_from_data(dict(name="shop-staging", cloud="aws", region="us-east-1", tier="staging",
                                                workers=[dict(name="sidekiq", command=["bundle", "exec", "sidekiq"])])))
    resources = _resources(_parsed(plan))
    service = resources["aws_ecs_service.worker_sidekiq"]
    assert "load_balancer" not in service
    task = resources["aws_ecs_task_definition.worker_sidekiq"]
    assert 'command                = ["bundle", "exec", "sidekiq"]' in terraform_files(plan)["ecs.tf"]
    assert "portMappings" not in task["container_definitions"]
    assert task["task_role_arn"] == "${aws_iam_role.task.arn}"  # the same identity as the app
