"""Change cost: `dev-agent cost --compare OLD NEW` gives before -> after per resource and the delta, in
Infracost's diff JSON (valid against its schema), and the diff text."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema

from bot.cost import estimate_files
from bot.cost.diff import changes, diff_reports, render_diff

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests" / "fixtures" / "infracost" / "infracost.schema.json"
PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'
OLD = PROVIDER + '''
resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.micro"
}
resource "aws_nat_gateway" "nat" {
  subnet_id = "s"
}
resource "aws_kms_key" "main" {}
'''
NEW = PROVIDER + '''
resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.large"
}
resource "aws_lb" "app" {
  load_balancer_type = "application"
}
resource "aws_kms_key" "main" {}
'''


def _write(tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "main.tf").write_text(text)
    return d


def test_diff_per_resource_before_after_and_delta():
    diff = diff_reports(estimate_files({"main.tf": OLD}), estimate_files({"main.tf": NEW}))
    by_name = {c.name: c for c in changes(diff)}
    assert set(by_name) == {"aws_instance.web", "aws_lb.app", "aws_nat_gateway.nat"}  # the KMS key did not change
    web = by_name["aws_instance.web"]
    # 730 h x $0.0104 / $0.0832 + an 8 GB gp2 root volume
    assert web.kind == "~" and round(web.before, 2) == 8.39 and round(web.after, 2) == 61.54
    assert by_name["aws_lb.app"].kind == "+" and by_name["aws_nat_gateway.nat"].kind == "-"
    assert round(by_name["aws_nat_gateway.nat"].delta, 2) == -32.85
    total = float(diff["diffTotalMonthlyCost"])
    assert abs(total - sum(c.delta for c in by_name.values())) < 0.01
    assert float(diff["pastTotalMonthlyCost"]) + total == float(diff["totalMonthlyCost"])
    component = next(r for r in diff["projects"][0]["diff"]["resources"] if r["name"] == "aws_instance.web")
    deltas = {c["name"]: round(float(c["monthlyCost"]), 2) for c in component["costComponents"]}
    assert deltas == {"Instance usage (Linux/UNIX, on-demand, t3.large)": 60.74,  # components match by name
                      "Instance usage (Linux/UNIX, on-demand, t3.micro)": -7.59}
    text = render_diff(diff)
    assert "~ aws_instance.web\n  +$53.14 ($8.39 → $61.54)" in text
    assert "- aws_nat_gateway.nat\n  -$32.85" in text and "+ aws_lb.app" in text
    assert "Monthly cost change" in text and "Amount:  +$" in text


def test_cli_compare_json_is_infracost_diff_json(tmp_path):
    old, new = _write(tmp_path, "old", OLD), _write(tmp_path, "new", NEW)
    env = {k: v for k, v in os.environ.items() if k != "INFRACOST_API_KEY"}
    proc = subprocess.run([sys.executable, "-m", "bot", "cost", "--compare", str(old), str(new), "--json"], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert doc["metadata"]["infracostCommand"] == "diff"
    project = doc["projects"][0]
    assert {r["name"] for r in project["pastBreakdown"]["resources"]} >= {"aws_nat_gateway.nat"}
    changed = {r["name"] for r in project["diff"]["resources"]}
    assert changed == {"aws_instance.web", "aws_lb.app", "aws_nat_gateway.nat"}
    text = subprocess.run([sys.executable, "-m", "bot", "cost", "--compare", str(old), str(new)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert text.returncode == 0 and "Amount:  +$" in text.stdout


def test_cli_compare_with_a_missing_old_directory_is_a_clear_error(tmp_path):
    new = _write(tmp_path, "new", NEW)
    proc = subprocess.run([sys.executable, "-m", "bot", "cost", "--compare", str(tmp_path / "nope"), str(new)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 3 and "no such directory" in proc.stderr


def test_a_replan_of_an_existing_environment_shows_and_emits_the_change_in_cost(tmp_path):
    """`dev-agent plan --spec` into a directory that already holds the environment: the report shows each changed
    resource before -> after with the delta, and `--json` carries it as Infracost's diff JSON."""
    import yaml

    spec = {"name": "shop-dev", "cloud": "aws", "region": "us-east-1", "compute": {"kind": "functions"},
            "databases": [{"engine": "postgres", "storage_gb": 20}]}
    path = tmp_path / "environment.yaml"

    def plan(*flags: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", "plan", "--spec", str(path), "--out", str(tmp_path / "repo"),
                               *flags], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)

    path.write_text(yaml.safe_dump(spec))
    first = plan("--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["cost_change"] is None  # a new environment: nothing to compare with
    spec["databases"][0]["storage_gb"] = 200
    path.write_text(yaml.safe_dump(spec))
    second = plan("--json")
    assert second.returncode == 0, second.stderr
    doc = json.loads(second.stdout)["cost_change"]
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert [r["name"] for r in doc["projects"][0]["diff"]["resources"]] == ["aws_db_instance.postgres"]
    assert round(float(doc["diffTotalMonthlyCost"]), 2) == round(180 * 0.115, 2)  # RDS gp3 storage, us-east-1: $0.115/GB-month
    spec["databases"][0]["storage_gb"] = 20
    path.write_text(yaml.safe_dump(spec))
    text = plan()
    assert text.returncode == 0, text.stderr
    assert "#### Change in monthly cost" in text.stdout
    assert "| `aws_db_instance.postgres` | $" in text.stdout and "| -$20.70 |" in text.stdout, text.stdout
