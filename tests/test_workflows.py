"""Generated GitHub workflows: schema-valid, zizmor-clean, OIDC, per-environment concurrency, prod approval."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.checks import workflow_schema, zizmor
from bot.checks.context import CheckContext
from bot.install_source import InstallSource
from bot.settings import Settings
from bot.spec import Cloud
from generators.output import write_tree
from generators.workflows import WORKFLOWS, workflow_files
from generators.workflows.actions import PINNED
from tests.conftest import require_tool

ALL_CLOUDS = list(Cloud)
WHEEL = InstallSource(kind="wheel", url="https://artifacts.example.com/dev_agent-0.1.0-py3-none-any.whl", sha256="a" * 64)
SETTINGS = Settings(install=WHEEL)


def _workflows(clouds=ALL_CLOUDS) -> dict[str, dict]:
    return {Path(path).name: yaml.safe_load(text) for path, text in workflow_files(clouds, SETTINGS).items()
            if path.startswith(".github/workflows/")}


def _jobs(workflow: dict) -> dict[str, dict]:
    return workflow["jobs"]


def _steps(workflow: dict):
    for job in _jobs(workflow).values():
        yield from job["steps"]


def _write(tmp_path: Path, files: dict[str, str]) -> CheckContext:
    write_tree(files, tmp_path)
    (tmp_path / "environments/x").mkdir(parents=True)
    return CheckContext(env_dir=tmp_path / "environments/x", repo_root=tmp_path, workdir=tmp_path, settings=Settings())


def test_every_workflow_is_generated() -> None:
    assert set(_workflows()) == {
        "dev-agent-plan.yml", "dev-agent-apply.yml", "dev-agent-drift.yml", "dev-agent-expire.yml", "dev-agent-destroy.yml",
    }
    assert len(WORKFLOWS) == 5


@pytest.mark.parametrize("clouds", [[Cloud.aws], [Cloud.gcp], [Cloud.azure], ALL_CLOUDS], ids=["aws", "gcp", "azure", "all"])
def test_schema_valid_and_zizmor_clean(clouds, tmp_path: Path) -> None:
    require_tool("check-jsonschema")
    require_tool("zizmor")
    ctx = _write(tmp_path, workflow_files(clouds, SETTINGS))
    for result in workflow_schema.check(ctx) + zizmor.check(ctx):
        assert result.passed, f"{result.name}: {result.details}"


def test_zizmor_check_fails_on_template_injection(tmp_path: Path) -> None:
    require_tool("zizmor")
    files = workflow_files([Cloud.aws], SETTINGS)
    path = ".github/workflows/dev-agent-plan.yml"
    data = yaml.safe_load(files[path])
    data["jobs"]["changes"]["steps"].append({"name": "echo", "run": "echo ${{ github.event.pull_request.title }}"})
    files[path] = yaml.safe_dump(data)
    (result,) = zizmor.check(_write(tmp_path, files))
    assert not result.passed
    assert any(f["check_id"] == "template-injection" and f["file"].startswith("dev-agent-plan.yml:")
               for f in result.findings)


def test_actions_are_pinned_to_reviewed_commit_shas() -> None:
    used = [step["uses"] for wf in _workflows().values() for step in _steps(wf) if "uses" in step]
    assert used
    for ref in used:
        action, sha = ref.split("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), ref
        assert PINNED[action][0] == sha


def test_run_steps_never_interpolate_expressions() -> None:
    for name, wf in _workflows().items():
        for step in _steps(wf):
            if "run" in step:
                assert "${{" not in step["run"], f"{name}: {step['name']}"


def test_cloud_access_is_oidc_with_least_privilege() -> None:
    for name, wf in _workflows().items():
        assert wf["permissions"] == {}, name
        for job_name, job in _jobs(wf).items():
            logs_in = any("Log in" in step["name"] for step in job["steps"])
            runs_lifecycle = any(f"dev-agent {c}" in s.get("run", "") for s in job["steps"]
                                 for c in ("apply", "destroy", "drift", "expire"))
            expected = {"contents": "read", "id-token": "write"} if logs_in else {"contents": "read"}
            if any("dev-agent preview" in s.get("run", "") for s in job["steps"]):  # edits the bot's report comment
                expected = {**expected, "pull-requests": "write"}
            if runs_lifecycle:  # reports back: comments, revert/destroy PRs, applied ref, drift issues
                expected = {"contents": "write", "issues": "write", "pull-requests": "write", "id-token": "write"}
                if any("dev-agent apply" in s.get("run", "") for s in job["steps"]):  # reads the reviewed plan
                    expected = {**expected, "checks": "read"}
                lifecycle_steps = [s for s in job["steps"] if "dev-agent " in s.get("run", "")]
                assert all(s["env"]["GITHUB_TOKEN"] == "${{ github.token }}" for s in lifecycle_steps), name
            assert job["permissions"] == expected, f"{name}:{job_name}"
        assert "secrets." not in yaml.safe_dump(wf)


def test_login_steps_only_for_the_repository_clouds() -> None:
    for wf in _workflows([Cloud.gcp]).values():
        logins = [s for s in _steps(wf) if "Log in" in s["name"]]
        assert logins and all("google-github-actions/auth@" in s["uses"] for s in logins)
    apply = _workflows()["dev-agent-apply.yml"]
    conditions = {s.get("if") for s in apply["jobs"]["apply"]["steps"] if "Log in" in s["name"]}
    assert conditions == {"matrix.cloud == 'aws'", "matrix.cloud == 'gcp'", "matrix.cloud == 'azure'"}


def test_apply_is_serialised_per_environment_and_prod_needs_approval() -> None:
    wf = _workflows()["dev-agent-apply.yml"]
    assert wf["on"]["push"]["paths"] == ["environments/**"]
    for job_name in ("apply", "apply-production"):
        job = wf["jobs"][job_name]
        assert job["concurrency"] == {"group": "dev-agent-${{ matrix.environment }}", "cancel-in-progress": False}
        assert job["needs"] == "changes"
        assert any('dev-agent apply "environments/${ENVIRONMENT}"' in s.get("run", "") for s in job["steps"])
    assert wf["jobs"]["apply-production"]["environment"] == "production"
    assert "environment" not in wf["jobs"]["apply"]
    destroy = _workflows()["dev-agent-destroy.yml"]
    assert destroy["jobs"]["destroy-production"]["environment"] == "production"
    assert destroy["jobs"]["destroy"]["concurrency"]["group"] == "dev-agent-${{ matrix.environment }}"
    assert "merged == true" in destroy["jobs"]["changes"]["if"]


def test_plan_runs_on_pull_requests_and_schedules_run_drift_and_expire() -> None:
    workflows = _workflows()
    assert workflows["dev-agent-plan.yml"]["on"] == {"pull_request": {"paths": ["environments/**"]}}
    for name, command in (("dev-agent-drift.yml", "dev-agent drift --json"), ("dev-agent-expire.yml", "dev-agent expire --json")):
        wf = workflows[name]
        assert "schedule" in wf["on"] and "workflow_dispatch" in wf["on"]
        assert any(command in s.get("run", "").splitlines()[-1] for s in _steps(wf) if "run" in s)


def test_changed_environment_script_lists_changed_environments(tmp_path: Path) -> None:
    """The `changes` job's script, run in a real git repo: prod and non-prod environments are split."""
    require_tool("git")
    require_tool("jq")
    from generators.workflows.steps import CHANGED_ENVIRONMENTS_SCRIPT

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    git("-c", "user.email=t@e", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "base")
    base = git("rev-parse", "HEAD")
    for name, tier, cloud in (("a-dev", "dev", "aws"), ("b-prod", "prod", "gcp")):
        (tmp_path / "environments" / name).mkdir(parents=True)
        (tmp_path / "environments" / name / "environment.yaml").write_text(f"name: {name}\ncloud: {cloud}\ntier: {tier}\n")
    git("add", "-A")
    git("-c", "user.email=t@e", "-c", "user.name=t", "commit", "-q", "-m", "envs")

    def changed(base_sha: str, diff_filter: str) -> dict[str, list]:
        output = tmp_path / f"out-{diff_filter}"
        env = {"BASE_SHA": base_sha, "HEAD_SHA": git("rev-parse", "HEAD"), "DIFF_FILTER": diff_filter,
               "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path), "PATH": os.environ["PATH"]}
        subprocess.run(["bash", "-c", CHANGED_ENVIRONMENTS_SCRIPT], cwd=tmp_path, env=env, check=True)
        return {k: json.loads(v) for k, v in (line.split("=", 1) for line in output.read_text().splitlines())}

    assert changed(base, "d") == {
        "environments": [{"environment": "a-dev", "cloud": "aws", "tier": "dev"}],
        "production": [{"environment": "b-prod", "cloud": "gcp", "tier": "prod"}],
    }
    before_destroy = git("rev-parse", "HEAD")
    git("rm", "-q", "-r", "environments/b-prod")
    git("-c", "user.email=t@e", "-c", "user.name=t", "commit", "-q", "-m", "destroy b-prod")
    assert changed(before_destroy, "D") == {
        "environments": [], "production": [{"environment": "b-prod", "cloud": "gcp", "tier": "prod"}],
    }


@pytest.mark.parametrize(("workflow", "command"), [("dev-agent-drift.yml", "drift"), ("dev-agent-expire.yml", "expire")])
def test_a_scheduled_run_that_finds_something_succeeds_and_an_error_fails_it(workflow, command, tmp_path: Path) -> None:
    """Exit 2 (drift found, destroy PRs opened) is reported in issues/PRs: the run stays green; exit 1 turns it red."""
    step = next(s for s in _steps(_workflows()[workflow]) if "run" in s and f"dev-agent {command}" in s["run"])
    assert step["env"]["DEV_AGENT_BOT_LOGIN"] == SETTINGS.bot_login  # the CLI trusts the App's own comments
    fake = tmp_path / "dev-agent"
    outcomes = {}
    for code in (0, 1, 2):
        fake.write_text(f"#!/bin/sh\nexit {code}\n")
        fake.chmod(0o755)
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], env={**os.environ, "PATH": f"{tmp_path}:/usr/bin:/bin"},
                              capture_output=True, text=True, timeout=30)
        outcomes[code] = proc.returncode
    assert outcomes == {0: 0, 1: 1, 2: 0}


def test_reporting_steps_name_the_bots_login() -> None:
    for name in ("dev-agent-apply.yml", "dev-agent-destroy.yml"):
        step = next(s for s in _steps(_workflows()[name]) if "run" in s and "dev-agent " in s["run"])
        assert step["env"]["DEV_AGENT_BOT_LOGIN"] == SETTINGS.bot_login and step["env"]["GITHUB_TOKEN"]
