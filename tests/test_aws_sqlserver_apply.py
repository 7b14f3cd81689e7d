"""Proof by apply: the SQL Server environment ("staging for billing-api: .NET, SQL Server 2022") goes through
init/plan/apply/re-plan/destroy against moto (same harness as tests/test_aws_apply.py), and boto3 finds what the
report promised: RDS SQL Server Web, license included, encrypted with the environment key, a managed password, the
TLS-only parameter group, and the app's mssql:// URL in the connection secret."""

from __future__ import annotations

import json

import pytest

from bot.pipeline import terraform
from tests.conftest import require_tool
from tests.support.aws_specs import make_plan
from tests.support.moto_apply import apply_reviewed, moto_directory
from tests.test_aws_apply import IMAGE, MotoServer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("aws_sqlserver_apply")]


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory) -> dict:
    require_tool("terraform")
    plan = make_plan("sqlserver")
    moto = MotoServer()
    try:
        directory = moto_directory(plan, tmp_path_factory.mktemp("sqlserver"), moto.endpoint)
        certificate = moto.client("acm").request_certificate(DomainName="billing.example.test")["CertificateArn"]
        env = {"TF_VAR_certificate_arn": certificate, "TF_VAR_image": IMAGE, "AWS_EC2_METADATA_DISABLED": "true"}
        seen: dict = {}
        failed = apply_reviewed(directory, env)
        if failed:
            seen["failed"] = failed
            return seen
        rds = moto.client("rds")
        seen["instances"] = {d["DBInstanceIdentifier"]: d for d in rds.describe_db_instances()["DBInstances"]}
        seen["groups"] = {g["DBParameterGroupName"]: g for g in rds.describe_db_parameter_groups()["DBParameterGroups"]}
        seen["keys"] = [k["KeyArn"] for k in moto.client("kms").list_keys()["Keys"]]
        connection = moto.client("secretsmanager").get_secret_value(SecretId=f"{plan.spec.name}-connection")
        seen["connection"] = json.loads(connection["SecretString"])
        replan = terraform.plan(directory, detailed_exitcode=True, env=env)
        seen["replan"] = replan.returncode
        seen["replan_changes"] = [line for line in replan.stdout.splitlines() if line.strip()[:1] in {"#", "~", "+", "-"}]
        destroyed = terraform.destroy(directory, env=env, timeout=420)
        if not destroyed.ok:
            seen["failed"] = f"destroy: {destroyed.summary()}"
            return seen
        seen["destroyed"] = [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]
        return seen
    finally:
        moto.stop()


def test_sql_server_applies_as_a_licensed_encrypted_rds_instance(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    instance = lifecycle["instances"]["billing-staging-sqlserver"]
    assert (instance["Engine"], instance["DBInstanceClass"], instance["LicenseModel"]) == (
        "sqlserver-web", "db.t3.large", "license-included")
    assert instance["StorageEncrypted"] is True and instance["KmsKeyId"] in lifecycle["keys"]
    assert instance["MultiAZ"] is False and instance["PubliclyAccessible"] is False
    assert instance["BackupRetentionPeriod"] == 7 and instance["Endpoint"]["Port"] == 1433
    assert instance["MasterUserSecret"]["KmsKeyId"] in lifecycle["keys"]  # RDS-managed password, our key
    group = lifecycle["groups"][instance["DBParameterGroups"][0]["DBParameterGroupName"]]
    assert group["DBParameterGroupFamily"] == "sqlserver-web-16.0"


def test_the_app_gets_the_mssql_url_without_a_password(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    url = lifecycle["connection"]["DATABASE_URL"]
    address = lifecycle["instances"]["billing-staging-sqlserver"]["Endpoint"]["Address"]
    assert url == f"mssql://dbadmin@{address}:1433?encrypt=true"


def test_a_plan_after_apply_is_clean_and_destroy_removes_the_instance(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    assert lifecycle["replan"] == 0, lifecycle["replan_changes"]
    assert lifecycle["destroyed"] == []
