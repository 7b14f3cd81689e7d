"""Proof by apply: the common components (Aurora clusters with readers, ...) go through init/plan/apply/re-plan/
destroy against moto (same harness as tests/test_aws_apply.py), and boto3 finds what a reviewer was promised:
encryption with the environment key, managed passwords, the app's URLs in the connection secret."""

from __future__ import annotations

import json

import pytest

from bot.pipeline import terraform
from tests.conftest import require_tool
from tests.support.aws_specs import make_plan
from tests.support.moto_apply import apply_reviewed, moto_directory
from tests.test_aws_apply import IMAGE, MotoServer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("aws_components_apply")]


def _observe(moto: MotoServer) -> dict:
    rds = moto.client("rds")
    groups = moto.client("elasticache").describe_replication_groups()["ReplicationGroups"]
    return {"clusters": {c["DBClusterIdentifier"]: c for c in rds.describe_db_clusters()["DBClusters"]},
            "instances": {d["DBInstanceIdentifier"]: d for d in rds.describe_db_instances()["DBInstances"]},
            "redis": {g["ReplicationGroupId"]: g for g in groups},
            "tables": sorted(moto.client("dynamodb").list_tables()["TableNames"]),
            "topics": sorted(t["TopicArn"].rsplit(":", 1)[1] for t in moto.client("sns").list_topics()["Topics"])}


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory) -> dict:
    require_tool("terraform")
    plan = make_plan("components")
    moto = MotoServer()
    try:
        directory = moto_directory(plan, tmp_path_factory.mktemp("components"), moto.endpoint)
        env = {"TF_VAR_image": IMAGE, "AWS_EC2_METADATA_DISABLED": "true"}
        seen: dict = {}
        failed = apply_reviewed(directory, env)
        if failed:
            seen["failed"] = failed
            return seen
        seen["applied"] = _observe(moto)
        seen["keys"] = [k["KeyArn"] for k in moto.client("kms").list_keys()["Keys"]]
        connection = moto.client("secretsmanager").get_secret_value(SecretId=f"{plan.spec.name}-connection")
        seen["connection"] = json.loads(connection["SecretString"])
        replan = terraform.plan(directory, detailed_exitcode=True, env=env)
        seen["replan"] = replan.returncode
        dynamodb = moto.client("dynamodb")
        seen["table_details"] = {name: {**dynamodb.describe_table(TableName=name)["Table"],
                                        "backups": dynamodb.describe_continuous_backups(TableName=name)}
                                 for name in seen["applied"]["tables"]}
        topic = next(t["TopicArn"] for t in moto.client("sns").list_topics()["Topics"]
                     if t["TopicArn"].endswith(":ledger-dev-notifications"))
        seen["notifications"] = moto.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
        iam = moto.client("iam")
        policy = next(p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"].startswith("ledger-dev-app-"))
        seen["app_policy"] = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])[
            "PolicyVersion"]["Document"]
        seen["replan_changes"] = [line for line in replan.stdout.splitlines() if line.strip()[:1] in {"#", "~", "+", "-"}]
        destroyed = terraform.destroy(directory, env=env, timeout=420)
        if not destroyed.ok:
            seen["failed"] = f"destroy: {destroyed.summary()}"
            return seen
        seen["destroyed"] = _observe(moto)
        return seen
    finally:
        moto.stop()


def test_aurora_clusters_have_a_writer_and_readers_encrypted_with_managed_passwords(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    clusters = lifecycle["applied"]["clusters"]
    assert set(clusters) == {"ledger-dev-postgres", "ledger-dev-mysql"}
    postgres, mysql = clusters["ledger-dev-postgres"], clusters["ledger-dev-mysql"]
    assert (postgres["Engine"], mysql["Engine"]) == ("aurora-postgresql", "aurora-mysql")
    for cluster in (postgres, mysql):
        assert cluster["StorageEncrypted"] and cluster["KmsKeyId"] in lifecycle["keys"]
        assert cluster["MasterUserSecret"]["KmsKeyId"] in lifecycle["keys"]
        assert cluster["IAMDatabaseAuthenticationEnabled"]
    assert mysql["BacktrackWindow"] == 86400
    instances = lifecycle["applied"]["instances"]
    assert {i: d["DBClusterIdentifier"] for i, d in instances.items()} == {
        "ledger-dev-postgres-0": "ledger-dev-postgres", "ledger-dev-postgres-1": "ledger-dev-postgres",
        "ledger-dev-mysql-0": "ledger-dev-mysql"}  # one writer each, plus the reader asked for
    assert not any(d["PubliclyAccessible"] for d in instances.values())


def test_the_app_writes_to_the_cluster_endpoint_and_reads_from_the_reader_endpoint(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    postgres = lifecycle["applied"]["clusters"]["ledger-dev-postgres"]
    connection = lifecycle["connection"]
    assert connection["DATABASE_URL"] == f"postgresql://dbadmin@{postgres['Endpoint']}:5432/postgres?sslmode=require"
    assert connection["DATABASE_READ_URLS"] == (
        f"postgresql://dbadmin@{postgres['ReaderEndpoint']}:5432/postgres?sslmode=require")
    assert connection["DATABASE_URL_2"].startswith("mysql://dbadmin@ledger-dev-mysql.")
    assert "password" not in json.dumps(connection).lower()


def test_components_replan_clean_and_destroy(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    assert lifecycle["replan"] == 0, "\n".join(lifecycle["replan_changes"])  # a plan right after apply is clean
    assert lifecycle["destroyed"] == {"clusters": {}, "instances": {}, "redis": {}, "tables": [], "topics": []}


def test_redis_cluster_mode_has_the_shards_and_replicas_asked_for_with_tls_and_iam_auth(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    group = lifecycle["applied"]["redis"]["ledger-dev-cache"]
    assert group["ClusterEnabled"] and group["AutomaticFailover"] == "enabled"
    assert len(group["NodeGroups"]) == 2 and all(len(g["NodeGroupMembers"]) == 2 for g in group["NodeGroups"])
    assert group["TransitEncryptionEnabled"] and group["AtRestEncryptionEnabled"]
    assert group["KmsKeyId"] in lifecycle["keys"]
    endpoint = group["ConfigurationEndpoint"]
    connection = lifecycle["connection"]
    assert connection["REDIS_URL"] == f"rediss://ledger-dev-app@{endpoint['Address']}:{endpoint['Port']}"
    assert connection["REDIS_CLUSTER_MODE"] == "true"


def test_dynamodb_tables_are_encrypted_recoverable_and_the_app_may_use_exactly_them(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    assert lifecycle["applied"]["tables"] == ["ledger-dev-ledger-entries", "ledger-dev-sessions"]
    entries = lifecycle["table_details"]["ledger-dev-ledger-entries"]
    assert entries["KeySchema"] == [{"AttributeName": "account", "KeyType": "HASH"},
                                    {"AttributeName": "at", "KeyType": "RANGE"}]
    for table in lifecycle["table_details"].values():
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert table["SSEDescription"]["SSEType"] == "KMS" and table["SSEDescription"]["KMSMasterKeyArn"] in lifecycle["keys"]
        recovery = table["backups"]["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
    statements = {s["Sid"]: s for s in lifecycle["app_policy"]["Statement"]}
    sessions = lifecycle["table_details"]["ledger-dev-sessions"]["TableArn"]
    grant = statements["ReadWriteSessionsTable"]
    assert sorted(grant["Resource"]) == [sessions, f"{sessions}/index/*"] and "dynamodb:CreateTable" not in grant["Action"]
    assert lifecycle["connection"]["TABLE_SESSIONS"] == "ledger-dev-sessions"
    assert lifecycle["connection"]["TABLE_LEDGER_ENTRIES"] == "ledger-dev-ledger-entries"


def test_the_app_may_publish_to_its_encrypted_notifications_topic_only(lifecycle: dict) -> None:
    assert "failed" not in lifecycle, lifecycle.get("failed")
    assert lifecycle["applied"]["topics"] == ["ledger-dev-alerts", "ledger-dev-notifications"]
    topic = lifecycle["notifications"]
    assert topic["KmsMasterKeyId"] in lifecycle["keys"]
    assert lifecycle["connection"]["NOTIFICATIONS_TOPIC_ARN"] == topic["TopicArn"]
    grant = {s["Sid"]: s for s in lifecycle["app_policy"]["Statement"]}["PublishNotifications"]
    assert grant["Action"] == "sns:Publish" and grant["Resource"] == topic["TopicArn"]
    denies = [s for s in json.loads(topic["Policy"])["Statement"] if s["Effect"] == "Deny"]
    assert {s["Sid"] for s in denies} == {"AccountOnly", "TlsOnly"}
