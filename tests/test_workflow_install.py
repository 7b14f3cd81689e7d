"""How the generated workflows install dev-agent and the validators: pinned by hash, never a bare public name;
plan jobs log in read-only, deploy jobs with the deploy identity; zizmor (pedantic) and actionlint find nothing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.install import build_wheel, effective_install, sha256_of
from bot.install_source import InstallSource
from bot.settings import Settings
from bot.spec import Cloud
from generators.output import write_tree
from generators.workflows import workflow_files
from generators.workflows.steps import CHECKOV_REQUIREMENTS, RUNTIME_REQUIREMENTS, VALIDATOR_REQUIREMENTS
from tests.conftest import require_tool

DIGEST = "ghcr.io/acme/dev-agent@sha256:" + "b" * 64
FORMS = {
    "index": InstallSource(kind="index", version="0.1.0", sha256="c" * 64,
                           index_url="https://pypi.acme.example/simple"),
    "wheel": InstallSource(kind="wheel", url="https://artifacts.acme.example/dev_agent-0.1.0-py3-none-any.whl",
                           sha256="a" * 64),
    "container": InstallSource(kind="container", image=DIGEST),
}
PINNED_LINE = re.compile(r"^[A-Za-z0-9._-]+(==[A-Za-z0-9.+!-]+| @ \S+) --hash=sha256:[a-f0-9]{64}$")


def _files(install: InstallSource | None, clouds=tuple(Cloud), **settings) -> dict[str, str]:
    return workflow_files(list(clouds), Settings(install=install, **settings))


def _jobs(files: dict[str, str]):
    for path, text in files.items():
        if path.startswith(".github/workflows/"):
            for name, job in yaml.safe_load(text)["jobs"].items():
                yield Path(path).name, name, job


def _pip_lines(files: dict[str, str]) -> list[str]:
    return [line for _, _, job in _jobs(files) for step in job["steps"] for line in step.get("run", "").splitlines()
            if re.search(r"\bpip\b", line)]


@pytest.mark.parametrize("form", ["index", "wheel"])
def test_every_install_is_hash_checked_and_every_requirement_pinned(form: str) -> None:
    install = FORMS[form]
    files = _files(install)
    lines = _pip_lines(files)
    assert len(lines) >= 3
    for line in lines:
        assert "--require-hashes" in line and "--no-deps" in line and '--index-url "$DEV_AGENT_INDEX_URL"' in line, line
        assert re.search(r" -r \.github/dev-agent/(requirements|validators|checkov)\.txt$", line), line
    assert "pipx" not in "".join(files.values())
    for path in (RUNTIME_REQUIREMENTS, VALIDATOR_REQUIREMENTS, CHECKOV_REQUIREMENTS):
        requirements = [ln for ln in files[path].splitlines() if ln and not ln.startswith("#")]
        assert requirements and all(PINNED_LINE.match(ln) for ln in requirements), path
    dev_agent = [ln for ln in files[RUNTIME_REQUIREMENTS].splitlines() if ln.startswith("dev-agent")]
    assert dev_agent == [install.requirement()]
    assert any(ln.startswith("checkov==3.3.30 ") for ln in files[CHECKOV_REQUIREMENTS].splitlines())
    assert {ln.split("==")[0] for ln in files[VALIDATOR_REQUIREMENTS].splitlines() if "==" in ln} >= {
        "check-jsonschema", "zizmor"}
    index_urls = {step["env"]["DEV_AGENT_INDEX_URL"] for _, _, job in _jobs(files) for step in job["steps"]
                  if "DEV_AGENT_INDEX_URL" in step.get("env", {})}
    assert index_urls == {install.index_url}


def test_container_form_runs_the_jobs_in_the_image_by_digest_and_installs_nothing() -> None:
    files = _files(FORMS["container"])
    assert not _pip_lines(files)
    assert not any(p.startswith(".github/dev-agent/") for p in files)
    for workflow, name, job in _jobs(files):
        if name == "changes":
            assert "container" not in job
            continue
        assert job["container"] == {"image": DIGEST}, f"{workflow}:{name}"
        assert not any("setup-python" in s.get("uses", "") for s in job["steps"])


def test_without_an_install_source_the_jobs_stop_naming_the_setting(tmp_path: Path) -> None:
    files = _files(None)
    assert not any(p.startswith(".github/dev-agent/") for p in files)
    steps = [s for _, name, job in _jobs(files) if name != "changes" for s in job["steps"]
             if s["name"].startswith("Install dev-agent")]
    assert steps
    for step in steps:
        script = tmp_path / "install.sh"
        script.write_text(step["run"])
        proc = subprocess.run(["bash", str(script)], capture_output=True, text=True)
        assert proc.returncode == 1
        assert "DEV_AGENT_INSTALL" in proc.stdout and "docs/install.md" in proc.stdout


def test_org_policy_install_applies_and_the_setting_wins(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\ninstall:\n  kind: index\n  version: 2.0.1\n  sha256: " + "d" * 64
                      + "\n  index_url: https://pypi.acme.example/simple\n")
    from_policy = effective_install(Settings(policy_file=policy))
    assert from_policy is not None and from_policy.requirement() == f"dev-agent==2.0.1 --hash=sha256:{'d' * 64}"
    assert effective_install(Settings(policy_file=policy, install=FORMS["wheel"])) == FORMS["wheel"]
    assert effective_install(Settings()) is None


@pytest.mark.parametrize("bad", [
    {"kind": "index", "version": "0.1.0"},  # no hash: whoever owns the name on the index decides what runs
    {"kind": "index", "version": ">=0.1", "sha256": "c" * 64},
    {"kind": "wheel", "url": "https://x.example/dev_agent.whl"},
    {"kind": "wheel", "url": "https://x.example/a b.whl", "sha256": "a" * 64},
    {"kind": "wheel", "url": "https://x.example/a.whl#egg=evil", "sha256": "a" * 64},
    {"kind": "wheel", "url": "http://x.example/a.whl", "sha256": "a" * 64},
    {"kind": "container", "image": "ghcr.io/acme/dev-agent:1.0"},
    {"kind": "container", "image": DIGEST, "sha256": "a" * 64},
])
def test_unpinned_or_malformed_install_sources_are_refused(bad: dict) -> None:
    with pytest.raises(ValidationError):
        InstallSource.model_validate(bad)


def test_env_setting_reads_json(monkeypatch) -> None:
    monkeypatch.setenv("DEV_AGENT_INSTALL", json.dumps({"kind": "container", "image": DIGEST}))
    assert Settings().install == FORMS["container"]


def test_sandbox_default_is_a_reproducible_local_wheel_that_pip_installs_only_with_its_hash(tmp_path: Path) -> None:
    """pip itself refuses the wheel when its bytes do not match the pinned hash."""
    first, second = build_wheel(tmp_path / "a"), build_wheel(tmp_path / "b")
    assert sha256_of(first) == sha256_of(second)  # same source, same bytes
    install = effective_install(Settings(sandbox=True))
    assert install is not None and install.kind == "wheel" and install.url.startswith("file:///")
    wheel = Path(install.url.removeprefix("file://"))
    assert sha256_of(wheel) == install.sha256

    def pip_install(line: str) -> subprocess.CompletedProcess:
        requirements = tmp_path / "requirements.txt"
        requirements.write_text(line + "\n")
        return subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps",
                               "--require-hashes", "--no-index", "--target", str(tmp_path / "site"),
                               "-r", str(requirements)], capture_output=True, text=True)

    tampered = pip_install(f"dev-agent @ {install.url} --hash=sha256:{'0' * 64}")
    assert tampered.returncode != 0 and "DO NOT MATCH THE HASHES" in tampered.stderr
    good = pip_install(install.requirement())
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "site/bot/cli/__init__.py").is_file()
    assert (tmp_path / "site/generators/workflows/locks/runtime.txt").is_file()


def test_plan_jobs_use_the_read_only_identity_and_deploy_jobs_the_deploy_one() -> None:
    files = _files(FORMS["wheel"], aws_role_arn="arn:aws:iam::210987654321:role/deploy",
                   aws_plan_role_arn="arn:aws:iam::210987654321:role/plan",
                   gcp_service_account="deploy@p.iam.gserviceaccount.com",
                   gcp_plan_service_account="plan@p.iam.gserviceaccount.com",
                   azure_client_id="11111111-1111-1111-1111-111111111111",
                   azure_plan_client_id="22222222-2222-2222-2222-222222222222")
    for workflow, name, job in _jobs(files):
        logins = {s["uses"].split("@")[0]: s["with"] for s in job["steps"] if s["name"].startswith("Log in")}
        if name == "changes":
            assert not logins
            continue
        role = "plan" if workflow == "dev-agent-plan.yml" else "deploy"
        assert logins["aws-actions/configure-aws-credentials"]["role-to-assume"].endswith(f"role/{role}"), name
        assert logins["google-github-actions/auth"]["service_account"].startswith(f"{role}@"), name
        assert logins["azure/login"]["client-id"][0] == ("2" if role == "plan" else "1"), name
        assert (job.get("environment") == "production") == name.endswith("-production"), f"{workflow}:{name}"


@pytest.mark.parametrize("form", ["none", "index", "wheel", "container"])
def test_zizmor_pedantic_and_actionlint_report_nothing(form: str, tmp_path: Path) -> None:
    zizmor, actionlint = require_tool("zizmor"), require_tool("actionlint")
    write_tree(_files(FORMS.get(form)), tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    workflows = sorted(str(p) for p in (tmp_path / ".github/workflows").glob("*.yml"))
    assert len(workflows) == 5
    z = subprocess.run([zizmor, "--offline", "--persona", "pedantic", "--no-progress", *workflows],
                       capture_output=True, text=True)
    assert z.returncode == 0 and "No findings" in z.stdout, z.stdout + z.stderr
    a = subprocess.run([actionlint, "-no-color", *workflows], cwd=tmp_path, capture_output=True, text=True)
    assert a.returncode == 0 and not a.stdout, a.stdout + a.stderr
    text = (tmp_path / ".github/workflows/dev-agent-apply.yml").read_text()
    assert "id-token: write  # OIDC token for the cloud login" in text


def test_org_wide_inputs_come_from_repository_variables_as_tf_var() -> None:
    files = _files(FORMS["wheel"])
    for workflow, name, job in _jobs(files):
        if name == "changes":
            continue
        steps = [s for s in job["steps"] if "dev-agent " in s.get("run", "")]
        assert steps, f"{workflow}:{name}"
        for step in steps:  # the plan jobs verify, then run terraform plan: both read the inputs
            assert step["env"]["TF_VAR_project_id"] == "${{ vars.DEV_AGENT_GCP_PROJECT_ID }}", f"{workflow}:{name}"
            assert step["env"]["TF_VAR_subscription_id"] == "${{ vars.DEV_AGENT_AZURE_SUBSCRIPTION_ID }}"
    aws_only = _files(FORMS["wheel"], clouds=[Cloud.aws])
    assert "TF_VAR_" not in "".join(aws_only.values())
