"""`dev-agent bootstrap`: AWS against moto (twice: the second run creates nothing), GCP/Azure as the gcloud/az
argument lists they run; and `dev-agent check` refusing placeholder cloud ids outside sandbox mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from bot.bootstrap import BootstrapInputError, Target
from bot.bootstrap import azure as azure_bootstrap
from bot.bootstrap import gcp as gcp_bootstrap
from bot.checks import placeholders
from bot.checks.context import CheckContext
from bot.install_source import InstallSource
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import spec_from_data
from generators.output import write_tree
from generators.paths import environment_dir
from generators.workflows import workflow_files
from sandbox.moto import MotoServer

ROOT = Path(__file__).resolve().parent.parent
REPO = "acme/platform-environments"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
WHEEL = InstallSource(kind="wheel", url="https://artifacts.acme.example/dev_agent-0.1.0-py3-none-any.whl",
                      sha256="a" * 64)


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        yield server


def _bootstrap(moto: MotoServer, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **CREDENTIALS}
    return subprocess.run([sys.executable, "-m", "bot", "bootstrap", "--cloud", "aws", "--repository", REPO,
                           "--bucket", "acme-tfstate", "--region", "us-east-1", "--endpoint-url", moto.endpoint,
                           *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _client(moto: MotoServer, service: str):
    return boto3.client(service, endpoint_url=moto.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_aws_bootstrap_creates_the_state_store_and_two_repository_scoped_roles_idempotently(moto) -> None:
    first = _bootstrap(moto, "--json")
    assert first.returncode == 0, first.stderr
    created = json.loads(first.stdout)
    assert any(a.startswith("created S3 bucket acme-tfstate") for a in created["actions"])
    assert any(a.startswith("created IAM role dev-agent-plan") for a in created["actions"])
    settings = created["settings"]
    assert settings["DEV_AGENT_AWS_PLAN_ROLE_ARN"].endswith(":role/dev-agent-plan")
    assert settings["DEV_AGENT_AWS_ROLE_ARN"].endswith(":role/dev-agent-deploy")
    assert settings["DEV_AGENT_STATE_KMS_KEY_ID"].startswith("arn:aws:kms:us-east-1:")

    second = _bootstrap(moto, "--json")
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert not [a for a in again["actions"] if a.startswith("created")], again["actions"]
    assert again["settings"] == settings  # same key, same roles

    s3 = _client(moto, "s3")
    assert s3.get_bucket_versioning(Bucket="acme-tfstate")["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket="acme-tfstate")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms",
                                                          "KMSMasterKeyID": settings["DEV_AGENT_STATE_KMS_KEY_ID"]}
    block = s3.get_public_access_block(Bucket="acme-tfstate")["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    policy = json.loads(s3.get_bucket_policy(Bucket="acme-tfstate")["Policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    iam = _client(moto, "iam")
    host = "token.actions.githubusercontent.com"
    plan = iam.get_role(RoleName="dev-agent-plan")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert plan["Condition"]["StringEquals"][f"{host}:sub"] == [f"repo:{REPO}:pull_request",
                                                               f"repo:{REPO}:environment:production"]
    assert plan["Condition"]["StringEquals"][f"{host}:aud"] == "sts.amazonaws.com"
    deploy = iam.get_role(RoleName="dev-agent-deploy")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert deploy["Condition"]["StringEquals"][f"{host}:sub"] == [f"repo:{REPO}:ref:refs/heads/main",
                                                                 f"repo:{REPO}:environment:production"]
    attached = {p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="dev-agent-plan")["AttachedPolicies"]}
    assert attached == {"ReadOnlyAccess"}
    state = iam.get_role_policy(RoleName="dev-agent-plan", PolicyName="dev-agent-state-read")["PolicyDocument"]
    writes = [s for s in state["Statement"] if "s3:PutObject" in s["Action"]]
    assert [s["Resource"] for s in writes] == ["arn:aws:s3:::acme-tfstate/*.tflock"]  # only the lock file

    text = _bootstrap(moto)
    assert "DEV_AGENT_AWS_PLAN_ROLE_ARN=arn:aws:iam::" in text.stdout
    assert "Repository variables: none needed for this cloud." in text.stdout
    assert "Create the `production` environment" in text.stdout


def test_a_loosened_bucket_is_repaired_on_the_next_run(moto) -> None:
    assert _bootstrap(moto).returncode == 0
    s3 = _client(moto, "s3")
    s3.delete_public_access_block(Bucket="acme-tfstate")
    s3.put_bucket_versioning(Bucket="acme-tfstate", VersioningConfiguration={"Status": "Suspended"})
    assert _bootstrap(moto).returncode == 0
    assert s3.get_bucket_versioning(Bucket="acme-tfstate")["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket="acme-tfstate")["PublicAccessBlockConfiguration"].values())


def test_bad_input_changes_nothing(moto) -> None:
    proc = _bootstrap(moto, "--repository", "acme/infra; rm -rf /")
    assert proc.returncode == 3 and "--repository" in proc.stderr
    with pytest.raises(BootstrapInputError, match="--default-branch"):
        Target(REPO, default_branch="main..x")


def test_gcp_and_azure_bootstraps_scope_identities_to_the_repository(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def runner(args: list[str]) -> subprocess.CompletedProcess:
        calls.append(args)
        if args[:3] in (["gcloud", "projects", "describe"], ["az", "account", "show"]) or "list" in args:
            return subprocess.CompletedProcess(args, 0, "4242\n", "")  # project number, tenant, app id
        missing = "describe" in args or "show" in args  # nothing exists yet: every create runs
        return subprocess.CompletedProcess(args, 1 if missing else 0, "", "")

    result = gcp_bootstrap.bootstrap(Target(REPO), bucket="acme-tfstate", region="europe-west1",
                                     project="acme-platform", subscription=None, settings=Settings(), runner=runner)
    joined = [" ".join(c) for c in calls]
    assert any("storage buckets update gs://acme-tfstate --versioning --public-access-prevention" in c for c in joined)
    assert any(f"--attribute-condition assertion.repository == '{REPO}'" in c for c in joined)
    members = [c[c.index("--member") + 1] for c in calls if "roles/iam.workloadIdentityUser" in c]
    assert members == [f"principal://iam.googleapis.com/projects/4242/locations/global/workloadIdentityPools/github/"
                       f"subject/repo:{REPO}:{s}" for s in ("pull_request", "environment:production",
                                                             "ref:refs/heads/main", "environment:production")]
    assert result.variables == {"DEV_AGENT_GCP_PROJECT_ID": "acme-platform"}
    assert result.settings["DEV_AGENT_GCP_WORKLOAD_IDENTITY_PROVIDER"].startswith("projects/4242/")

    calls.clear()
    subscription = "3f2a6b1c-0d4e-4f5a-9b8c-7d6e5f4a3b2c"
    result = azure_bootstrap.bootstrap(Target(REPO), bucket=None, region=None, project=None,
                                       subscription=subscription, settings=Settings(), runner=runner)
    credentials = [json.loads(c[c.index("--parameters") + 1])["subject"] for c in calls if "--parameters" in c]
    assert credentials == [f"repo:{REPO}:pull_request", f"repo:{REPO}:environment:production",
                           f"repo:{REPO}:ref:refs/heads/main", f"repo:{REPO}:environment:production"]
    assert any("--allow-shared-key-access false" in " ".join(c) for c in calls)
    assert result.variables == {"DEV_AGENT_AZURE_SUBSCRIPTION_ID": subscription}
    assert all(isinstance(a, str) for c in calls for a in c)  # argument lists, never a shell line
    with pytest.raises(BootstrapInputError, match="--subscription"):
        azure_bootstrap.bootstrap(Target(REPO), bucket=None, region=None, project=None, subscription=None,
                                  settings=Settings(), runner=runner)


def _repo(tmp_path: Path, settings: Settings) -> CheckContext:
    plan = plan_environment(spec_from_data({"name": "shop-dev", "cloud": "aws", "region": "us-east-1"}))
    result = run_pipeline(plan, settings)
    write_tree({**result.files, **workflow_files([plan.spec.cloud], settings)}, tmp_path)
    return CheckContext(env_dir=tmp_path / environment_dir(plan), repo_root=tmp_path, workdir=tmp_path,
                        settings=settings)


def test_check_names_each_placeholder_setting_outside_sandbox_mode(tmp_path: Path) -> None:
    (result,) = placeholders.check(_repo(tmp_path / "default", Settings()))
    assert not result.passed
    named = {f["setting"] for f in result.findings}
    assert named == {"DEV_AGENT_AWS_PLAN_ROLE_ARN", "DEV_AGENT_AWS_ROLE_ARN", "DEV_AGENT_STATE_KMS_KEY_ID",
                     "DEV_AGENT_INSTALL"}
    assert "dev-agent-plan.yml logs in with the placeholder role-to-assume arn:aws:iam::123456789012" in result.details

    (sandbox,) = placeholders.check(_repo(tmp_path / "sandbox", Settings(sandbox=True)))
    assert sandbox.passed and "sandbox mode" in sandbox.details

    configured = Settings(install=WHEEL, aws_role_arn="arn:aws:iam::210987654321:role/dev-agent-deploy",
                          aws_plan_role_arn="arn:aws:iam::210987654321:role/dev-agent-plan",
                          state_kms_key_id="arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    (ok,) = placeholders.check(_repo(tmp_path / "configured", configured))
    assert ok.passed, ok.details


def test_dev_agent_check_exits_1_naming_the_setting(tmp_path: Path) -> None:
    ctx = _repo(tmp_path, Settings())
    env = {k: v for k, v in os.environ.items() if k != "DEV_AGENT_SANDBOX"}
    proc = subprocess.run([sys.executable, "-m", "bot", "check", str(ctx.env_dir), "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1
    (settings_check,) = [c for c in json.loads(proc.stdout)["checks"] if c["name"] == "settings"]
    assert not settings_check["passed"] and "DEV_AGENT_AWS_ROLE_ARN" in settings_check["details"]
