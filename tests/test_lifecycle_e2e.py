"""The whole lifecycle against moto and the sandbox GitHub, through the CLI as the workflows run it:
generate → apply → preview → out-of-band change → drift issue → apply → drift clean, issue closed → expire →
destroy PR → destroy → nothing left in moto. After every command the checkout is as git left it: terraform
works in a temporary copy, so no `.terraform/`, lock, plan or override file appears (ignored files included).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from bot.request import markers
from bot.settings import Settings
from sandbox import SandboxGitHub
from tests.conftest import require_tool
from tests.support.lifecycle_stack import Moto, environment_files, make_repo

ENV = "lc-e2e"
pytestmark = pytest.mark.slow


def comments(repo, number: int) -> list[str]:
    return [c.body for c in repo.client().get_repo(repo.full_name).get_issue(number).get_comments()]


def untouched(repo) -> None:
    """`git status` sees nothing new or changed in the checkout, ignored files included."""
    status = subprocess.run(["git", "-C", str(repo.checkout), "status", "--porcelain", "--ignored"],
                            capture_output=True, text=True, check=True).stdout
    assert status == "", status


def test_apply_drift_expire_destroy(tmp_path):
    require_tool("terraform")
    today = dt.date.today()
    with Moto() as moto, SandboxGitHub() as gh:
        repo = make_repo(gh, "alice", "payments", tmp_path)
        issue = gh.open_issue("alice", "payments", "dev env for lc-e2e", user="alice")["number"]
        files = environment_files(ENV, today + dt.timedelta(days=7), Settings())
        pull = repo.merge_environment(ENV, files, issue, f"dev-agent: {ENV}")
        override = tmp_path / "moto_override.tf"
        override.write_text(moto.override(tmp_path / "state" / "terraform.tfstate"))
        state_dir = tmp_path / "dev-agent-state"
        env_path = f"environments/{ENV}"

        applied = repo.dev_agent("apply", env_path, "--override", str(override), "--json", state_dir=state_dir)
        assert applied.returncode == 0, applied.stderr + applied.stdout
        result = json.loads(applied.stdout)
        assert set(result["timings"]) == {"terraform init", "terraform plan", "terraform apply"}
        assert "terraform plan: changes to apply in " in applied.stderr
        assert "helm: skipped (EC2 environment, no Kubernetes cluster)" in applied.stderr
        found = moto.environment_resources(ENV)
        assert len(found["vpcs"]) == 1 and len(found["security_groups"]) == 1
        assert result["outputs"]["vpc_id"] == found["vpcs"][0]
        for number in (pull, issue):
            body = next(b for b in comments(repo, number) if markers.applied(ENV) in b)
            assert found["vpcs"][0] in body and "applied" in body
        assert repo.writer().ref_sha(f"dev-agent/applied/{ENV}") is not None
        assert not (repo.checkout / env_path / "terraform" / "moto_override.tf").exists()
        untouched(repo)

        again = repo.dev_agent("apply", env_path, "--override", str(override), state_dir=state_dir)
        assert again.returncode == 2, again.stderr  # nothing to do
        preview = repo.dev_agent("preview", env_path, "--override", str(override), "--json", state_dir=state_dir)
        assert preview.returncode == 0, preview.stderr + preview.stdout
        assert json.loads(preview.stdout)["environment"] == ENV
        untouched(repo)

        ec2 = moto.ec2()
        ec2.authorize_security_group_ingress(GroupId=found["security_groups"][0], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        ec2.create_tags(Resources=[found["vpcs"][0]], Tags=[{"Key": "owner", "Value": "someone-else"}])

        drift = repo.dev_agent("drift", "--override", str(override), "--json", state_dir=state_dir)
        assert drift.returncode == 2, drift.stderr + drift.stdout
        untouched(repo)
        report = json.loads(drift.stdout)[0]
        changed = {r["address"]: r["attributes"] for r in report["resources"]}
        assert any(a.startswith("ingress") for a in changed["aws_security_group.app"])
        assert any(a.startswith("tags") for a in changed["aws_vpc.main"])
        drift_issue = repo.client().get_repo(repo.full_name).get_issue(report["issue"])
        assert drift_issue.title == f"Drift in {ENV}" and drift_issue.state == "open"
        assert markers.drift(ENV) in drift_issue.body
        security, rest = drift_issue.body.split("### Security-relevant changes")[1].split("Tags only:")
        assert "`aws_security_group.app` (update): now allows tcp port 22 from 0.0.0.0/0" in security
        assert rest.startswith(" 1 resource(s) had their tags or labels changed (`aws_vpc.main`)")

        reapplied = repo.dev_agent("apply", env_path, "--override", str(override), state_dir=state_dir)
        assert reapplied.returncode == 0, reapplied.stderr
        clean = repo.dev_agent("drift", env_path, "--override", str(override), "--json", state_dir=state_dir)
        assert clean.returncode == 0, clean.stderr + clean.stdout
        assert repo.client().get_repo(repo.full_name).get_issue(report["issue"]).state == "closed"

        warned = repo.dev_agent("expire", "--today", (today + dt.timedelta(days=5)).isoformat(), state_dir=state_dir)
        assert warned.returncode == 0, warned.stderr
        assert any("expires on" in b and "/dev-agent extend" in b for b in comments(repo, issue))
        expired = repo.dev_agent("expire", "--json", "--today", (today + dt.timedelta(days=8)).isoformat(),
                                 state_dir=state_dir)
        assert expired.returncode == 2, expired.stderr + expired.stdout
        destroy_pull = json.loads(expired.stdout)[0]["destroy_pull"]
        number = int(destroy_pull.rsplit("/", 1)[1])
        pr = repo.client().get_repo(repo.full_name).get_pull(number)
        assert "dev-agent:destroy" in [label.name for label in pr.labels]
        assert {f.filename for f in pr.get_files()} >= {f"{env_path}/environment.yaml"}

        # The destroy workflow runs on the destroy PR's base commit, which the checkout still is.
        gh.merge_pull("alice", "payments", number, user="alice")
        destroyed = repo.dev_agent("destroy", env_path, "--override", str(override), state_dir=state_dir)
        assert destroyed.returncode == 0, destroyed.stderr + destroyed.stdout
        untouched(repo)
        assert moto.environment_resources(ENV) == {"vpcs": [], "security_groups": []}
        assert repo.client().get_repo(repo.full_name).get_issue(issue).state == "closed"
        assert repo.writer().ref_sha(f"dev-agent/applied/{ENV}") is None
        assert repo.writer().read_file(f"{env_path}/environment.yaml", "main") is None
