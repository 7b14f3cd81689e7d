"""Every dev-set request that names a cloud plans and passes every check (what `scripts/dev_set.py` runs
through the CLI, one request at a time).

Each request is planned in process, through the same steps as `dev-agent plan` (deterministic understanding,
budget fit, generation, cost, policy). The checks then run the cheap way: the quick ones on every environment (the
workflow checks once per cloud: the workflows depend on nothing else), `terraform validate` on as few AWS
environments as cover every AWS resource type of the set (each run loads the provider schema, ~5 s CPU), and
checkov once per skip list (cloud + tier) over every environment of that group, since checkov's start-up
dwarfs a single scan.
"""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from bot.checks import CHECKS, checkov, terraform_validate
from bot.checks.context import CheckContext
from bot.checks.skips import skips_for
from bot.checks.tools import find_tool
from bot.pipeline.run import prepare_plan, run_pipeline
from bot.settings import Settings
from bot.understanding.deterministic import parse
from generators.output import write_tree
from generators.paths import environment_dir
from generators.workflows import workflow_files
from policies.schema import load_policy
from tests.conftest import FIXTURES, require_tool

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dev_set")]

REQUESTS = [json.loads(line) for line in (FIXTURES / "requests" / "dev.jsonl").read_text().splitlines() if line.strip()]
WITH_CLOUD = [r for r in REQUESTS if r["expect"].get("cloud")]
SLOW_CHECKS = {"checkov terraform", "checkov kubernetes", "terraform validate"}
WORKFLOW_CHECKS = {"workflow schema", "zizmor"}
# deployment values a reviewer supplies (tests/test_inputs.py and the test below) and the org's cloud ids, which
# the test settings leave at their placeholders (tests/test_bootstrap.py)
INPUT_CHECKS = {"inputs", "settings"}


@dataclass
class Planned:
    """One request, planned and written into its own repository."""

    request_id: str
    context: CheckContext
    failed_verdicts: list[str]
    cost: float | None

    @property
    def resource_types(self) -> set[str]:
        text = "\n".join(p.read_text() for p in self.context.tf_files())
        return set(re.findall(r'^resource "(\w+)"', text, re.MULTILINE))


def covering(environments: list[Planned]) -> list[Planned]:
    """Few environments that together hold every resource type of all of them (greedy set cover)."""
    types = {e.request_id: e.resource_types for e in environments}
    missing, chosen = set().union(*types.values()), []
    while missing:
        best = max(environments, key=lambda e: len(types[e.request_id] & missing))
        chosen.append(best)
        missing -= types[best.request_id]
    return chosen


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Planned]:
    settings = Settings(anthropic_api_key=None)
    policy = load_policy(settings.policy_file)
    root = tmp_path_factory.mktemp("dev-set")
    found = {}
    for request in WITH_CLOUD:
        understanding = parse(request["text"])
        assert understanding.spec is not None, f"{request['id']}: {understanding.questions}"
        plan = prepare_plan(understanding.spec, policy)  # raises BudgetError when no plan fits
        result = run_pipeline(plan, settings, policy=policy)
        repo = root / request["id"]
        write_tree({**result.files, **workflow_files({plan.spec.cloud}, settings)}, repo)
        workdir = root / f"{request['id']}-work"
        workdir.mkdir()
        context = CheckContext(env_dir=repo / environment_dir(plan), repo_root=repo, workdir=workdir, settings=settings)
        failed = [f"{v.rule}: {v.message}" for v in result.verdicts if v.outcome == "fail"]
        found[request["id"]] = Planned(request["id"], context, failed, result.monthly_cost)
    return found


def test_the_dev_set_has_requests_for_every_cloud() -> None:
    assert {r["expect"]["cloud"] for r in WITH_CLOUD} == {"aws", "gcp", "azure"}
    assert len(WITH_CLOUD) == 35  # 19 of the 20 shared requests and 16 of the 20 harder ones name a cloud


@pytest.mark.parametrize("request_id", [r["id"] for r in WITH_CLOUD])
def test_request_plans_within_policy_and_has_a_cost(planned: dict[str, Planned], request_id: str) -> None:
    environment = planned[request_id]
    assert environment.failed_verdicts == []
    assert environment.cost is not None and environment.cost > 0


def test_quick_checks_pass_on_every_environment(planned: dict[str, Planned]) -> None:
    per_cloud = {e.context.cloud(): e for e in planned.values()}.values()
    quick = [check for check in CHECKS if check.name not in SLOW_CHECKS | WORKFLOW_CHECKS | INPUT_CHECKS]
    runs = [(e, check.run) for e in planned.values() for check in quick]
    runs += [(e, check.run) for e in per_cloud for check in CHECKS if check.name in WORKFLOW_CHECKS]

    def failures(run: tuple) -> list[str]:
        environment, check = run
        return [f"{environment.request_id} {r.name}: {r.details}" for r in check(environment.context) if not r.passed]

    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [line for lines in pool.map(failures, runs) for line in lines]
    assert not problems, "\n".join(problems)


def test_only_deployment_values_are_missing_and_each_is_named(planned: dict[str, Planned]) -> None:
    """With the org-wide project/subscription set, what a request can still lack is its image (a Lambda) or its
    certificate (an AWS load balancer above dev, under a compliance profile or behind CloudFront), and behind
    CloudFront its public name and us-east-1 certificate: values nobody can guess."""
    from bot.checks import inputs
    from bot.spec import load_spec

    org_settings = Settings(gcp_project_id="acme-dev-1", azure_subscription_id="3f2a6b1c-0d4e-4f5a-9b8c-7d6e5f4a3b2c")
    for environment in planned.values():
        context = environment.context
        (result,) = inputs.check(replace(context, settings=org_settings))
        names = {f["input"] for f in result.findings}
        # and the secret holding a monitoring vendor's key, when the request names Datadog or New Relic
        assert names <= {"image", "certificate_arn", "datadog_secret_arn", "newrelic_secret_arn", "newrelic_account_id",
                         "datadog_secret_id", "newrelic_secret_id", "datadog_key_vault_secret_id",
                         "newrelic_key_vault_secret_id", "cdn_domain", "cdn_certificate_arn"}, environment.request_id
        assert result.passed == (not names)
        spec = load_spec(context.env_dir / "environment.yaml")
        if "certificate_arn" in names:  # HTTPS from staging up, in dev with a compliance profile or behind CloudFront
            assert context.cloud() == "aws" and (context.tier() != "dev" or spec.compliance or spec.app.cdn)
        assert ({"cdn_domain", "cdn_certificate_arn"} <= names) == spec.app.cdn, environment.request_id


def test_terraform_validate_passes_on_every_aws_resource_type(planned: dict[str, Planned]) -> None:
    require_tool("terraform")
    aws = covering([e for e in planned.values() if e.context.cloud() == "aws"])
    assert len(aws) >= 2

    def failures(environment: Planned) -> list[str]:
        results = terraform_validate.check(environment.context)
        return [f"{environment.request_id}: {r.details}" for r in results if not r.passed]

    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [line for lines in pool.map(failures, aws) for line in lines]
    assert not problems, "\n".join(problems)


def test_checkov_finds_nothing_in_any_environment(planned: dict[str, Planned], tmp_path: Path) -> None:
    require_tool("checkov")
    binary = find_tool(Settings().checkov_bin)
    assert any(e.context.runs_kubernetes() for e in planned.values())  # so the Helm charts are scanned too
    groups: dict[tuple[str, str], list[Planned]] = {}
    for environment in planned.values():
        groups.setdefault((environment.context.cloud(), environment.context.tier()), []).append(environment)

    def failures(group: tuple[tuple[str, str], list[Planned]]) -> list[str]:
        (cloud, tier), environments = group
        batch = tmp_path / f"{cloud}-{tier}"
        for environment in environments:
            shutil.copytree(environment.context.terraform_dir, batch / environment.request_id / "terraform")
            shutil.copytree(environment.context.rendered().directory, batch / environment.request_id / "rendered")
        reports = checkov.scan(binary, [batch], skips_for(cloud, tier), tmp_path, timeout=600, quiet=False)
        problems = []
        for framework in checkov.FRAMEWORKS:
            expected = [e for e in environments if framework != "kubernetes" or e.context.runs_kubernetes()]
            report = reports.get(framework)
            if report is None and not expected:  # only Kubernetes compute gets a Helm chart
                continue
            if report is None:
                problems.append(f"{cloud}/{tier}: no {framework} report")
                continue
            results = report.get("results", {})
            problems += [f"{f['check_id']} {f['check_name']} ({f['resource']}, {f.get('file_abs_path')})"
                         for f in results.get("failed_checks", [])]
            if report["summary"].get("parsing_errors"):
                problems.append(f"{cloud}/{tier} {framework}: {report['summary']['parsing_errors']} files not parsed")
            paths = [Path(c.get("file_abs_path", "")) for c in results.get("passed_checks", [])]
            scanned = {p.relative_to(batch).parts[0] for p in paths if p.is_relative_to(batch)}
            problems += [f"{e.request_id}: checkov scanned nothing of its {framework}"
                         for e in expected if e.request_id not in scanned]
        return problems

    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [line for lines in pool.map(failures, groups.items()) for line in lines]
    assert not problems, "\n".join(problems)
