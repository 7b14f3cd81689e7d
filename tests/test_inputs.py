"""Terraform inputs: every variable without a default gets a value from the generated tfvars file or a repository
variable, or the report lists it under "Before you merge" and the check (and apply) fails naming it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot import hclread
from bot.commands.arguments import apply_assignments, parse_assignments
from bot.commands.command import CommandError
from bot.inputs import TFVARS_FILE, missing_inputs
from bot.lifecycle.workspace import EnvironmentInputError, open_environment
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from generators.output import write_tree
from generators.paths import environment_dir
from generators.terraform.tfvars import SAMPLE_IMAGE

CERT = "arn:aws:acm:us-east-1:210987654321:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"


def _run(data: dict, settings: Settings | None = None):
    spec = spec_from_data({"region": {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}[data["cloud"]],
                           **data})
    return run_pipeline(plan_environment(spec), settings or Settings())


def _tf(result) -> dict[str, str]:
    prefix = f"{environment_dir(result.plan)}/terraform/"
    return {p.removeprefix(prefix): t for p, t in result.files.items() if p.startswith(prefix)}


def _inputs_check(result):
    (check,) = [c for c in result.checks if c.name == "inputs"]
    return check


def test_dev_containers_get_the_pinned_sample_image_and_plain_http_with_risk_lines() -> None:
    result = _run({"name": "shop-dev", "cloud": "aws"})
    tf = _tf(result)
    assert json.loads(tf[TFVARS_FILE]) == {"image": SAMPLE_IMAGE}
    assert "@sha256:" in SAMPLE_IMAGE and ":latest" not in SAMPLE_IMAGE
    alb = hclread.loads(tf["alb.tf"])
    listeners = {name for r in alb["resource"] for t, named in r.items() if t == "aws_lb_listener" for name in named}
    assert listeners == {"http"} and "certificate_arn" not in tf["variables.tf"]
    assert _inputs_check(result).passed
    assert "Before you merge" not in result.report
    assert "No TLS certificate: the load balancer serves plain HTTP (allowed in dev only)" in result.report
    assert "public sample image (`gcr.io/google-samples/hello-app`, pinned by digest)" in result.report


def test_prod_requires_a_certificate_listed_before_merge_until_set() -> None:
    result = _run({"name": "shop-prod", "cloud": "aws", "tier": "prod"})
    check = _inputs_check(result)
    assert not check.passed and "certificate_arn" in check.details
    assert "### ⛔ Before you merge" in result.report
    assert "- `certificate_arn`: ACM certificate (same region) for the load balancer's HTTPS listener. Comment " \
           "`/dev-agent set certificate_arn=arn:aws:acm:<region>:<account>:certificate/<id>`." in result.report
    assert "Set the inputs listed under *Before you merge*" in result.report

    fixed = _run({"name": "shop-prod", "cloud": "aws", "tier": "prod", "inputs": {"certificate_arn": CERT}})
    assert _inputs_check(fixed).passed and "Before you merge" not in fixed.report
    tf = _tf(fixed)
    assert json.loads(tf[TFVARS_FILE])["certificate_arn"] == CERT
    assert 'resource "aws_lb_listener" "https"' in tf["alb.tf"]


def test_a_lambda_needs_its_own_image_and_gets_the_one_the_spec_names() -> None:
    result = _run({"name": "fn-dev", "cloud": "aws", "compute": {"kind": "functions"}})
    assert [f["input"] for f in _inputs_check(result).findings] == ["image"]
    image = "210987654321.dkr.ecr.us-east-1.amazonaws.com/fn:1.4.0"
    named = _run({"name": "fn-dev", "cloud": "aws", "compute": {"kind": "functions"}, "app": {"image": image}})
    assert json.loads(_tf(named)[TFVARS_FILE]) == {"image": image} and _inputs_check(named).passed


def test_gcp_project_and_azure_subscription_come_from_the_spec_or_the_org_setting() -> None:
    gcp = _run({"name": "g-dev", "cloud": "gcp"})
    assert [f["input"] for f in _inputs_check(gcp).findings] == ["project_id"]
    finding = _inputs_check(gcp).findings[0]
    assert finding["repository_variable"] == "DEV_AGENT_GCP_PROJECT_ID"
    assert _inputs_check(_run({"name": "g-dev", "cloud": "gcp"}, Settings(gcp_project_id="acme-dev-1"))).passed
    own = _run({"name": "g-dev", "cloud": "gcp", "inputs": {"project_id": "acme-shop-dev"}})
    assert json.loads(_tf(own)[TFVARS_FILE])["project_id"] == "acme-shop-dev" and _inputs_check(own).passed

    azure = _run({"name": "z-dev", "cloud": "azure"})
    assert [f["input"] for f in _inputs_check(azure).findings] == ["subscription_id"]
    sub = "3f2a6b1c-0d4e-4f5a-9b8c-7d6e5f4a3b2c"
    assert _inputs_check(_run({"name": "z-dev", "cloud": "azure", "inputs": {"subscription_id": sub}})).passed
    tf = _tf(azure)
    assert ":latest" not in "".join(tf.values())
    assert json.loads(tf[TFVARS_FILE])["image"] == SAMPLE_IMAGE


def test_runner_values_from_tf_var_count_and_empty_ones_do_not() -> None:
    tf = _tf(_run({"name": "g-dev", "cloud": "gcp"}))
    assert [m.name for m in missing_inputs(tf, env={"TF_VAR_project_id": "acme-dev-1"})] == []
    assert [m.name for m in missing_inputs(tf, env={"TF_VAR_project_id": ""})] == ["project_id"]


def test_set_accepts_the_short_input_names_and_validates_them() -> None:
    assert parse_assignments(f"image=ghcr.io/acme/api:1.2.3 certificate={CERT}") == {
        "app.image": "ghcr.io/acme/api:1.2.3", "inputs.certificate_arn": CERT}
    assert parse_assignments("certificate_arn=none") == {"inputs.certificate_arn": None}
    base = {"name": "shop-prod", "cloud": "aws", "region": "us-east-1", "tier": "prod"}
    spec = spec_from_data(apply_assignments(base, parse_assignments(f"certificate_arn={CERT}")))
    assert spec.inputs is not None and spec.inputs.certificate_arn == CERT
    with pytest.raises(SpecError, match=r"inputs\.certificate_arn"):
        spec_from_data(apply_assignments(base, parse_assignments("certificate_arn=arn:aws:iam::1:role/x")))
    with pytest.raises(SpecError, match="only gcp environments take it"):
        spec_from_data(apply_assignments(base, parse_assignments("project_id=acme-shop-dev")))
    with pytest.raises(SpecError, match="latest"):
        spec_from_data(apply_assignments(base, parse_assignments("image=ghcr.io/acme/api:latest")))
    with pytest.raises(CommandError, match="cannot be set"):
        parse_assignments("inputs.token=abc")


def test_removing_an_input_fails_the_check_and_the_apply_naming_it(tmp_path: Path) -> None:
    """`/dev-agent set certificate_arn=none` on a prod environment: the regenerated environment fails
    `dev-agent check` (what the plan workflow runs) and `dev-agent apply` refuses before terraform, both naming it."""
    base = {"name": "shop-prod", "cloud": "aws", "tier": "prod", "inputs": {"certificate_arn": CERT}}
    assert _inputs_check(_run(base)).passed
    removed = apply_assignments(base, parse_assignments("certificate_arn=none"))
    result = _run(removed)
    env_dir = environment_dir(result.plan)
    write_tree(result.files, tmp_path)
    assert "certificate_arn" not in (tmp_path / env_dir / "terraform" / TFVARS_FILE).read_text()
    with pytest.raises(EnvironmentInputError, match=r"missing input\(s\), nothing was run:\n  certificate_arn: ACM"):
        open_environment(tmp_path / env_dir)
    check = subprocess.run(["dev-agent", "check", str(tmp_path / env_dir), "--json"], capture_output=True, text=True)
    assert check.returncode == 1
    (inputs,) = [c for c in json.loads(check.stdout)["checks"] if c["name"] == "inputs"]
    assert not inputs["passed"] and inputs["details"].startswith("missing before merge: certificate_arn")
