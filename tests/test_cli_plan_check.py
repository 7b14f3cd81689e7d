"""`dev-agent plan --spec` writes the environment tree atomically; `dev-agent check` reports every validator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from bot.checks import CHECKS, run_checks
from bot.checks.context import CheckContext
from bot.cli import EXIT_ATTENTION, EXIT_INVALID, EXIT_OK
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import load_spec
from tests.conftest import FIXTURES, require_tool

ROOT = Path(__file__).resolve().parent.parent
ALL_CHECK_NAMES = {"terraform fmt", "terraform validate", "hcl parse", "helm lint", "helm render",
                   "checkov terraform", "checkov kubernetes", "workflow schema", "zizmor", "inputs", "settings"}


def dev_agent(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEV_AGENT_SANDBOX": "true"}  # placeholder cloud ids: tests/test_bootstrap.py checks those
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=env)


def test_plan_writes_the_environment_tree(tmp_path: Path) -> None:
    proc = dev_agent("plan", "--spec", str(FIXTURES / "specs" / "aws-staging.yaml"), "--out", str(tmp_path), "--json")
    assert proc.returncode == EXIT_OK, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["name"] == "payments-api-staging"
    assert 0 < summary["monthly_cost"] <= 400 and summary["checks"] == []  # fitted to the $400 budget
    assert summary["policy"] in {"pass", "warn"} and summary["verdicts"]
    env = tmp_path / "environments/payments-api-staging"
    assert summary["dir"] == str(env)
    assert (env / "REPORT.md").read_text().startswith("<!-- dev-agent:report env=payments-api-staging -->")
    for rel in ("environment.yaml", "README.md", "compose.yaml", ".env.example", "helm/payments-api/Chart.yaml",
                "helm/payments-api/values.yaml", "helm/payments-api/values.schema.json",
                "helm/payments-api/templates/deployment.yaml"):
        assert (env / rel).is_file(), rel
    for name in ("plan", "apply", "drift", "expire", "destroy"):
        assert (tmp_path / f".github/workflows/dev-agent-{name}.yml").is_file()
    assert set(summary["files"]) == {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert yaml.safe_load((env / "environment.yaml").read_text())["expires_on"]


def test_workflows_cover_every_cloud_in_the_repository(tmp_path: Path) -> None:
    assert dev_agent("plan", "--spec", str(FIXTURES / "specs" / "gcp-prod.yaml"), "--out", str(tmp_path)).returncode == 0
    assert dev_agent("plan", "--spec", str(FIXTURES / "specs" / "aws-staging.yaml"), "--out", str(tmp_path)).returncode == 0
    apply = (tmp_path / ".github/workflows/dev-agent-apply.yml").read_text()
    assert "aws-actions/configure-aws-credentials@" in apply and "google-github-actions/auth@" in apply
    assert "azure/login@" not in apply
    assert (tmp_path / "environments/orders-prod/environment.yaml").is_file()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"colour": "blue"}, "colour"),
        ({"region": "mars-north-1"}, "region"),
        ({"queue": {"engine": "pubsub"}}, "queue pubsub"),
        ({"compute": {"min_replicas": 5, "max_replicas": 2}}, "compute.min_replicas"),
        ({"compute": {"kind": "functions", "min_replicas": 10, "max_replicas": 10}}, "compute.max_replicas"),
        ({"compute": {"kind": "vm", "min_replicas": 10, "max_replicas": 10}}, "compute.max_replicas"),
        ({"cloud": "gcp", "region": "us-central1", "databases": [{"engine": "mongodb"}]}, "mongodb"),
        ({"cloud": "azure", "region": "us-west-2"}, "region"),
        ({"app": {"framework": "fastapi", "colour": "blue"}}, "app.colour"),
    ],
    ids=["unknown-field", "unknown-region", "impossible-combination", "replica-range", "functions-10-replicas",
         "10-vms", "mongodb-without-managed-offer", "region-of-another-cloud", "unknown-nested-field"],
)
def test_bad_spec_names_the_field_and_writes_nothing(change: dict, field: str, tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURES / "specs" / "aws-staging.yaml").read_text())
    data.update(change)
    spec_file = tmp_path / "environment.yaml"
    spec_file.write_text(yaml.safe_dump(data))
    out = tmp_path / "repo"
    proc = dev_agent("plan", "--spec", str(spec_file), "--out", str(out))
    assert proc.returncode == EXIT_INVALID
    assert field in proc.stderr and str(spec_file) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_bad_spec_leaves_the_existing_environment_untouched(tmp_path: Path) -> None:
    good = FIXTURES / "specs" / "aws-staging.yaml"
    assert dev_agent("plan", "--spec", str(good), "--out", str(tmp_path)).returncode == EXIT_OK
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    data = yaml.safe_load(good.read_text())
    data["compute"] = {"kind": "functions", "min_replicas": 10, "max_replicas": 10}
    bad = tmp_path.parent / "bad-environment.yaml"
    bad.write_text(yaml.safe_dump(data))
    proc = dev_agent("plan", "--spec", str(bad), "--out", str(tmp_path))
    assert proc.returncode == EXIT_INVALID and "compute.max_replicas" in proc.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_plan_needs_text_or_spec(tmp_path: Path) -> None:
    proc = dev_agent("plan", "--out", str(tmp_path))
    assert proc.returncode == EXIT_ATTENTION
    assert "--spec" in proc.stderr


def test_check_reports_every_check_as_json(tmp_path: Path) -> None:
    for tool in ("terraform", "checkov", "zizmor", "check-jsonschema"):
        require_tool(tool)
    assert dev_agent("plan", "--spec", str(FIXTURES / "specs" / "aws-staging.yaml"), "--out", str(tmp_path)).returncode == 0
    env = tmp_path / "environments/payments-api-staging"
    proc = dev_agent("check", str(env), "--json")
    report = json.loads(proc.stdout)
    results = {c["name"]: c for c in report["checks"]}
    assert set(results) == ALL_CHECK_NAMES
    assert proc.returncode == EXIT_OK, [c for c in report["checks"] if not c["passed"]]
    assert report["passed"] is True
    assert results["checkov kubernetes"]["findings"] == []
    assert "skipped CKV_K8S_43" in results["checkov kubernetes"]["details"]
    assert not (env / "terraform" / ".terraform").exists()


def test_check_fails_on_broken_files(tmp_path: Path) -> None:
    require_tool("terraform")
    assert dev_agent("plan", "--spec", str(FIXTURES / "specs" / "aws-staging.yaml"), "--out", str(tmp_path)).returncode == 0
    env = tmp_path / "environments/payments-api-staging"
    (env / "terraform").mkdir(exist_ok=True)
    (env / "terraform" / "main.tf").write_text('resource "aws_s3_bucket" "b" {\nbucket= "x"\n')
    deployment = env / "helm/payments-api/templates/deployment.yaml"
    deployment.write_text(deployment.read_text().replace("{{ .Values.containerPort }}", "{{ .Values.containerPort"))
    with tempfile.TemporaryDirectory() as scratch:
        ctx = CheckContext(env_dir=env, repo_root=tmp_path, workdir=Path(scratch), settings=Settings())
        slow = {"checkov terraform", "checkov kubernetes", "terraform validate"}
        results = {r.name: r for check in CHECKS if not slow & set(check.names) for r in check.run(ctx)}
    assert not results["terraform fmt"].passed
    assert not results["hcl parse"].passed and results["hcl parse"].findings[0]["file"] == "main.tf"
    assert not results["helm lint"].passed
    assert not results["helm render"].passed


def test_missing_tool_is_a_failure_not_a_pass(tmp_path: Path) -> None:
    settings = Settings(checkov_bin="no-such-checkov", check_cache_dir=tmp_path / "cache")
    results = run_checks(tmp_path, tmp_path, settings)
    checkov_results = [r for r in results if r.name.startswith("checkov")]
    assert [(r.name, r.passed) for r in checkov_results] == [("checkov terraform", False),
                                                             ("checkov kubernetes", False)]
    assert all("checkov is not installed" in r.details for r in checkov_results)
    remembered = [p.read_text() for p in (tmp_path / "cache").glob("*.json")]
    assert remembered and not any("not installed" in text for text in remembered)  # a missing tool is never remembered


def test_check_refuses_a_directory_without_a_spec(tmp_path: Path) -> None:
    proc = dev_agent("check", str(tmp_path))
    assert proc.returncode == EXIT_INVALID
    assert "environment.yaml" in proc.stderr


def test_pipeline_runs_checks_on_a_temporary_copy() -> None:
    require_tool("checkov")
    plan = plan_environment(load_spec(FIXTURES / "specs" / "azure-dev.yaml"))
    result = run_pipeline(plan, Settings(), run_checks=True)
    checks = {c.name: c for c in result.checks}
    assert set(checks) == ALL_CHECK_NAMES
    assert checks["terraform validate"].skipped_reason and checks["terraform validate"].passed
    for name in ("helm lint", "helm render", "checkov kubernetes", "workflow schema", "zizmor"):
        assert checks[name].passed, (name, checks[name].details)
