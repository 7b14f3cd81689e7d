"""An ECS, an EKS and a Lambda environment live and die through the generated workflows, run by act against
moto and the sandbox GitHub: request → the bot's PR → merge → dev-agent-apply.yml → an out-of-band change →
dev-agent-drift.yml opens a drift issue → dev-agent-expire.yml (days later) opens the destroy PR → its merge →
dev-agent-destroy.yml → nothing left in moto. The workflow files are the ones the bot committed, unmodified.
The bot's own registry (not the runner's database, which is gone when the job ends) follows: applied after the
apply workflow, destroyed after the destroy workflow, learnt from the runs' reports (bot/handlers/outcome.py)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.polling import wait_until
from bot.settings import Settings
from bot.store.registry import Registry
from tests.support.act_stack import ActStack, act_stack

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Case:
    request: str
    region: str

    def found(self, stack: ActStack, name: str) -> bool:
        """Whether the environment's compute exists in moto."""
        raise NotImplementedError

    def drift(self, stack: ActStack, name: str) -> str:
        """Change something out of band; the Terraform address the drift report must name."""
        vpc = stack.aws("ec2", self.region).describe_vpcs(
            Filters=[{"Name": "tag:environment", "Values": [name]}])["Vpcs"][0]
        stack.aws("ec2", self.region).create_tags(Resources=[vpc["VpcId"]], Tags=[{"Key": "owner", "Value": "mallory"}])
        return "aws_vpc.main"


class Ecs(Case):
    def found(self, stack: ActStack, name: str) -> bool:
        clusters = stack.aws("ecs", self.region).describe_clusters(clusters=[name])["clusters"]
        return any(c["status"] == "ACTIVE" for c in clusters)  # moto keeps deleted clusters as INACTIVE


class Eks(Case):
    def found(self, stack: ActStack, name: str) -> bool:
        return name in stack.aws("eks", self.region).list_clusters()["clusters"]


class Lambda(Case):
    def found(self, stack: ActStack, name: str) -> bool:
        return name in [f["FunctionName"] for f in stack.aws("lambda", self.region).list_functions()["Functions"]]

    def drift(self, stack: ActStack, name: str) -> str:
        client = stack.aws("lambda", self.region)
        arn = client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        client.tag_resource(Resource=arn, Tags={"owner": "mallory"})
        return "aws_lambda_function.app"


CASES = {
    "ecs": Ecs("dev environment for orders-api: FastAPI in containers on AWS us-east-1, 1-2 replicas, "
               "$150/month, 3 days", "us-east-1"),
    "lambda": Lambda("dev environment for thumbs-api: Python 3.12 serverless functions on AWS us-west-2, "
                     "$50/month, 3 days", "us-west-2"),
    "eks": Eks("dev environment for shop-web: Node.js on Kubernetes on AWS us-east-1, 2-3 replicas, "
               "$400/month, 3 days", "us-east-1"),
}


def _bot_status(workdir: Path, name: str, expected: str) -> str:
    """The environment's status in the bot's database (act_stack gives the bot `<workdir>/state`), once it is
    `expected` or after three minutes."""
    registry = Registry(Settings(state_dir=workdir / "state"))

    def status() -> str:
        record = registry.get(name)
        return record.status if record else "(none)"

    with contextlib.suppress(TimeoutError):  # the assertion names what the registry said instead
        wait_until(lambda: status() == expected, 180, interval=0.5, what=f"the bot's registry to say {expected}")
    return status()


def _life(case: Case, workdir: Path) -> dict[str, Any]:
    """Everything the assertions need, observed along one life cycle."""
    seen: dict[str, Any] = {}
    with act_stack(workdir) as stack:
        pull = stack.request(case.request)
        name = seen["name"] = stack.environment(pull)
        seen["apply"] = stack.apply(stack.merge(pull["number"]))
        seen["found_after_apply"] = case.found(stack, name)
        seen["pull_comments"] = stack.comments(pull["number"])
        seen["bot_status_after_apply"] = _bot_status(workdir, name, "applied")
        if seen["apply"].conclusion != "success":
            return seen
        seen["drifted"] = case.drift(stack, name)
        seen["drift"] = stack.scheduled("dev-agent-drift.yml")
        seen["issues"] = stack.api("GET", "/issues", params={"state": "open", "per_page": 100})
        seen["expire"] = stack.scheduled("dev-agent-expire.yml", days_later=5)
        destroy = [p for p in stack.open_pulls() if "dev-agent:destroy" in [label["name"] for label in p["labels"]]]
        seen["destroy_pulls"] = destroy
        if destroy:
            seen["destroy"] = stack.destroy(destroy[0]["number"])
            seen["found_after_destroy"] = case.found(stack, name)
            seen["bot_status_after_destroy"] = _bot_status(workdir, name, "destroyed")
    return seen


@pytest.mark.parametrize("key", [pytest.param(k, marks=pytest.mark.xdist_group(f"act_{k}")) for k in CASES])
def test_environment_lives_and_dies_through_the_generated_workflows(key: str, tmp_path: Path) -> None:
    case = CASES[key]
    seen = _life(case, tmp_path)
    for run in ("apply", "drift", "expire", "destroy"):  # timings, shown with -s
        if run in seen:
            print(*seen[run].lines(), sep="\n")
    name, apply = seen["name"], seen["apply"]
    assert apply.conclusion == "success", apply.log[-6000:]
    assert [(j.name, j.result) for j in apply.jobs] == [
        ("Find changed environments", "success"), (f"Apply {name}", "success"), ("apply-production", "skipped")]
    assert seen["found_after_apply"]
    posted = [c for c in seen["pull_comments"] if f"`{name}` applied" in c["body"]]
    assert posted and posted[-1]["user"]["login"] == "github-actions[bot]"
    assert seen["bot_status_after_apply"] == "applied"  # the dashboard and API say what the workflow did

    drift = seen["drift"]
    assert drift.job("dev-agent drift").result == "success", drift.log[-4000:]  # finding drift is not an error
    issue = next((i for i in seen["issues"] if i["title"] == f"Drift in {name}"), None)
    assert issue is not None, drift.log[-4000:]
    assert seen["drifted"] in issue["body"] and issue["user"]["login"] == "github-actions[bot]"

    assert seen["destroy_pulls"], seen["expire"].log[-4000:]
    assert seen["expire"].conclusion == "success", seen["expire"].log[-4000:]  # opening a destroy PR is routine
    destroy = seen["destroy"]
    assert destroy.conclusion == "success", destroy.log[-6000:]
    assert (f"Destroy {name}", "success") in [(j.name, j.result) for j in destroy.jobs]
    assert not seen["found_after_destroy"]
    assert seen["bot_status_after_destroy"] == "destroyed"
