"""`dev-agent cost`: table, JSON (Infracost schema), markdown, plan JSON from real terraform, errors."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "infracost" / "aws-testdata"
SCHEMA = ROOT / "tests" / "fixtures" / "infracost" / "infracost.schema.json"
NAT = GOLDEN / "nat_gateway_test"


def run(*args, env=None):
    env = {**os.environ, **(env or {})}
    env.pop("INFRACOST_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "cost", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_table_output_like_infracost():
    proc = run(NAT, "--usage-file", NAT / "nat_gateway_test.usage.yml")
    assert proc.returncode == 0, proc.stderr
    assert "aws_nat_gateway.nat_withUsage" in proc.stdout
    assert "Monthly cost depends on usage: $0.045 per GB" in proc.stdout
    assert "OVERALL TOTAL" in proc.stdout and "$70.20" in proc.stdout


def test_json_output_validates_against_infracost_schema():
    proc = run(GOLDEN / "instance_test", "--usage-file", GOLDEN / "instance_test" / "instance_test.usage.yml", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))
    assert report["version"] == "0.2"
    assert report["summary"]["totalUnsupportedResources"] == 1
    comp = report["projects"][0]["breakdown"]["resources"][0]["costComponents"][0]
    assert {"name", "unit", "hourlyQuantity", "monthlyQuantity", "price", "hourlyCost", "monthlyCost"} <= set(comp)


def test_markdown_output():
    proc = run(NAT, "--markdown")
    assert proc.returncode == 0
    assert "<h4>Monthly estimate: $65.70</h4>" in proc.stdout
    assert "<summary>Estimate details</summary>" in proc.stdout and "aws_nat_gateway.nat" in proc.stdout


def test_bad_hcl_exits_3_naming_file_and_line(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_eip" "a" {\n  domain = = "vpc"\n}\n')
    proc = run(tmp_path)
    assert proc.returncode == 3
    assert "main.tf:2" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_usage_file_exits_3_naming_file_and_line(tmp_path):
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  aws_nat_gateway.nat:\n    monthly_data_processed_gb: [1]\n")
    proc = run(NAT, "--usage-file", usage)
    assert proc.returncode == 3
    assert f"{usage}:4" in proc.stderr


def test_missing_path_exits_3(tmp_path):
    proc = run(tmp_path / "nope")
    assert proc.returncode == 3 and "no such directory" in proc.stderr


def test_uses_infracost_binary_when_key_present(tmp_path):
    fake = tmp_path / "infracost"
    fake.write_text('#!/bin/sh\necho \'{"version": "0.2", "projects": [], "totalMonthlyCost": "1", "summary": {}}\'\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "INFRACOST_API_KEY": "test-key"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "cost", str(NAT), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "using infracost" in proc.stderr
    assert json.loads(proc.stdout)["totalMonthlyCost"] == "1"  # the binary's answer, not the offline one


def test_plan_json_from_real_terraform(tmp_path):
    require_tool("terraform")
    (tmp_path / "cli.tfrc").write_text(
        'provider_installation {\n  filesystem_mirror {\n    path    = "/opt/tf-plugins"\n'
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    if not Path("/opt/tf-plugins").is_dir():
        pytest.skip("AWS provider mirror not present")
    main = (NAT / "nat_gateway_test.tf").read_text()
    main += (
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        '      version = "5.100.0"\n    }\n  }\n}\n'
    )
    (tmp_path / "main.tf").write_text(main)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(tmp_path / "cli.tfrc"), "TF_IN_AUTOMATION": "1"}
    tf = shutil.which("terraform")
    for args in (
        ["init", "-input=false", "-no-color"],
        ["plan", "-input=false", "-no-color", "-refresh=false", "-out=p.plan"],
    ):
        subprocess.run([tf, *args], cwd=tmp_path, env=env, check=True, capture_output=True, timeout=300)
    show = subprocess.run(
        [tf, "show", "-json", "p.plan"], cwd=tmp_path, env=env, check=True, capture_output=True, text=True, timeout=120
    )
    plan = tmp_path / "plan.json"
    plan.write_text(show.stdout)
    proc = run(plan, "--usage-file", NAT / "nat_gateway_test.usage.yml", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["projects"][0]["metadata"]["type"] == "terraform_plan_json"
    assert float(report["totalMonthlyCost"]) == pytest.approx(70.20, abs=0.01)
