"""run_pipeline parses the generated Terraform once and shares it between the estimate and the policy engine."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import bot.pipeline.run
import generators.build
from bot import hclread
from bot.cost import estimate_files
from bot.cost.defaults import tier_usage
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import load_spec
from policies.engine import evaluate
from policies.schema import load_policy

SPEC = Path(__file__).parent / "fixtures" / "specs" / "aws-staging.yaml"


@pytest.fixture(scope="module")
def plan():
    return plan_environment(load_spec(SPEC))


def _count_parses(monkeypatch) -> Counter:
    parsed: Counter = Counter()
    real = hclread.loads

    def counting(text: str) -> dict:
        parsed[text] += 1
        return real(text)

    monkeypatch.setattr(hclread, "loads", counting)
    return parsed


def _terraform(files: dict[str, str]) -> dict[str, str]:
    return {p: t for p, t in files.items() if p.endswith((".tf", ".tfvars"))}


def test_each_generated_terraform_file_is_parsed_once_per_plan(plan, monkeypatch):
    parses = _count_parses(monkeypatch)
    result = run_pipeline(plan, Settings())
    terraform = _terraform(result.files)
    assert len(terraform) > 5
    assert Counter(terraform.values()) == parses  # every file once, nothing else, nothing twice
    assert result.monthly_cost and result.monthly_cost > 0
    parses_verdict = next(v for v in result.verdicts if v.rule == "terraform-parses")
    assert parses_verdict.outcome == "pass" and parses_verdict.value.endswith("resources")


def test_shared_parse_gives_the_estimate_and_verdicts_of_the_separate_entry_points(plan):
    """`dev-agent cost` and the policy CLI parse on their own; the pipeline's figures must match theirs."""
    result = run_pipeline(plan, Settings())
    alone = estimate_files({p: t for p, t in result.files.items() if "/terraform/" in p},
                           tier_usage(plan.spec.tier.value))  # the tier's default usage file, as the pipeline
    assert {**result.cost, "timeGenerated": None} == {**alone, "timeGenerated": None}
    assert result.verdicts == evaluate(load_policy(Settings().policy_file), plan, result.files, result.cost)


def test_terraform_that_does_not_parse_fails_both_the_estimate_and_the_policy(plan, monkeypatch):
    real = generators.build.generate_all

    def broken(plan, settings):
        files = real(plan, settings)
        path = next(p for p in files if p.endswith("/terraform/rds.tf"))
        files[path] += 'resource "aws_eip" "x" {\n  domain = = "vpc"\n}\n'
        return files

    monkeypatch.setattr(bot.pipeline.run, "generate_all", broken)
    result = run_pipeline(plan, Settings())
    assert result.cost is None
    cost_check = next(c for c in result.checks if c.name == "cost estimate")
    assert not cost_check.passed and "/terraform/rds.tf:" in cost_check.details
    assert "HCL does not parse" in cost_check.details
    verdict = next(v for v in result.verdicts if v.rule == "terraform-parses")
    assert verdict.outcome == "fail" and "/terraform/rds.tf" in verdict.value
