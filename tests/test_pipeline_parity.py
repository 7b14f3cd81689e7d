"""The CLI and the bot plan through one pipeline entry (bot.pipeline.run.build_environment).

Every dev-set request that names a cloud goes through `dev-agent plan --json` and through the bot's job path
(an issue in the sandbox GitHub -> `dev-agent serve` -> Redis -> `dev-agent worker` -> a PR): the environment's
files (the review report included), the monthly cost and the policy verdicts must be the same, byte for byte.
Then the budget fitter where users meet it: a $110 request whose default sizes cost more ends within budget with
policy passing, and a request no plan can fit is answered with the cheapest plan's cost instead of a PR.
"""

from __future__ import annotations

import base64
import difflib
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.request import markers
from bot.understanding.deterministic import parse
from tests.conftest import FIXTURES
from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("parity")]

REQUESTS = [json.loads(line) for line in (FIXTURES / "requests" / "dev.jsonl").read_text().splitlines() if line.strip()]
WITH_CLOUD = [r for r in REQUESTS if r["expect"].get("cloud")]
# Default staging sizes cost ~$146/month (figures of 2026-12-06); the budget fitter brings them to ~$100.
BUDGET_110 = ("Staging environment for payments-api: FastAPI with Postgres 16 and Redis on GCP europe-west4, "
              "budget $110/month, expires in 14 days.")
BUDGET_20 = "Dev environment for billing-api: FastAPI with Postgres 16 and Redis on AWS us-west-2, budget $20/month."


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as gh:
        yield gh


@pytest.fixture(scope="module")
def stack(sandbox, redis_server):  # noqa: F811
    with BotStack(sandbox, redis_server.url) as running:
        yield running


@pytest.fixture(scope="module")
def repos(stack: BotStack) -> list[str]:
    """The stack's repository and four more of the same installation, added before the bot mints a token
    (environment names are unique per repository; the dev set repeats a name up to four times). The last one is
    for the single-request tests."""
    names = [stack.repo]
    for _ in range(4):
        name = f"infra-{uuid.uuid4().hex[:8]}"
        stack.sandbox.create_repo(stack.owner, name)
        stack.sandbox.add_collaborator(stack.owner, name, "alice", "write")
        stack.sandbox.install(stack.app, f"{stack.owner}/{name}")
        names.append(name)
    return names


def open_request(stack: BotStack, repo: str, text: str) -> dict[str, Any]:
    return stack.sandbox.open_issue(stack.owner, repo, "Environment request", text, user="alice",
                                    labels=["environment-request"])


def api(stack: BotStack, repo: str, path: str, **kwargs: Any) -> Any:
    return stack.sandbox.request("GET", f"/repos/{stack.owner}/{repo}{path}", stack.sandbox.token_for("alice"),
                                 **kwargs)


def wait_for_pull(stack: BotStack, repo: str, name: str, timeout: float = 600.0) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        pulls = api(stack, repo, "/pulls", params={"state": "all", "per_page": 100})
        return next((p for p in pulls if p["head"]["ref"] == f"dev-agent/{name}"), None)

    return wait_for(found, timeout, interval=2.0, what=f"PR for {name}")  # slow polls: alice's rate limit


def pull_files(stack: BotStack, repo: str, pull: dict[str, Any], name: str) -> dict[str, str]:
    """The environment's directory on the PR's head commit."""
    tree = api(stack, repo, f"/git/trees/{pull['head']['sha']}", params={"recursive": "1"})
    prefix = f"environments/{name}/"
    return {entry["path"]: base64.b64decode(api(stack, repo, f"/git/blobs/{entry['sha']}")["content"]).decode()
            for entry in tree["tree"] if entry["type"] == "blob" and entry["path"].startswith(prefix)}


def check_conclusion(stack: BotStack, repo: str, pull: dict[str, Any]) -> str:
    """The dev-agent check run's conclusion (written last, after the report comment)."""
    def conclusion() -> str | None:
        runs = api(stack, repo, f"/commits/{pull['head']['sha']}/check-runs")["check_runs"]
        return next((f"{r['conclusion']}: {r['output']['summary']}" for r in runs if r["name"] == "dev-agent"), None)

    return wait_for(conclusion, 120, interval=1.0, what="the dev-agent check run")


def cli_plan(text: str, out: Path) -> tuple[dict[str, Any], dict[str, str]]:
    result = CliRunner().invoke(app, ["plan", text, "--out", str(out), "--json", "--requester", "alice"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    prefix = f"environments/{summary['name']}/"
    files = {str(p.relative_to(out)): p.read_text() for p in sorted((out / prefix).rglob("*")) if p.is_file()}
    return summary, files


def test_the_dev_set_plans_byte_for_byte_alike_through_the_cli_and_the_bot(stack: BotStack, repos: list[str],
                                                                           tmp_path: Path) -> None:
    # dev-set names repeat (two django-dev ...): each repository holds each name once
    names_in: dict[str, set[str]] = {repo: set() for repo in repos[:-1]}
    placed: list[tuple[str, str, str, str]] = []  # (request id, text, environment name, repository)
    for request in WITH_CLOUD:
        name = parse(request["text"]).spec.name
        repo = next(r for r, names in names_in.items() if name not in names)
        names_in[repo].add(name)
        placed.append((request["id"], request["text"], name, repo))
        open_request(stack, repo, request["text"])

    for request_id, text, name, repo in placed:
        summary, cli_files = cli_plan(text, tmp_path / request_id)
        assert summary["name"] == name
        pull = wait_for_pull(stack, repo, name)
        bot_files = pull_files(stack, repo, pull, name)
        assert sorted(bot_files) == sorted(cli_files), request_id
        different = [path for path in cli_files if bot_files[path] != cli_files[path]]
        assert different == [], f"{request_id}: {different}\n" + "".join(difflib.unified_diff(
            cli_files[different[0]].splitlines(True), bot_files[different[0]].splitlines(True), "cli", "bot"))
        # the cost and the verdicts: in the (identical) report, in the PR body and in the check run
        report = cli_files[f"environments/{name}/REPORT.md"]
        assert f"${summary['monthly_cost']:,.2f}/month" in pull["body"], request_id
        for verdict in summary["verdicts"]:
            assert verdict["rule"] in report
        policy_failed = any(v["outcome"] == "fail" for v in summary["verdicts"])
        open_asks = "not supported and not accepted" in report  # an unsupported ask: neutral until accepted
        expected = "failure" if policy_failed else "neutral" if open_asks else "success"
        conclusion = check_conclusion(stack, repo, pull)
        # a check the pipeline runs (e.g. inputs still missing before merge) also blocks the bot's check run; it is
        # named in the report both sides wrote identically
        blocking_checks = [line.removeprefix("- check ").split(":", 1)[0]
                           for line in conclusion.splitlines() if line.startswith("- check ")]
        assert all(name in report for name in blocking_checks), f"{request_id}: {blocking_checks}"
        if blocking_checks:
            expected = "failure"
        assert conclusion.split(":", 1)[0] == expected, f"{request_id}: {conclusion}"


def test_a_110_dollar_request_through_the_bot_ends_within_budget_with_policy_passing(stack: BotStack,
                                                                                    repos: list[str]) -> None:
    repo = repos[-1]
    open_request(stack, repo, BUDGET_110)
    pull = wait_for_pull(stack, repo, "payments-api-staging")
    conclusion = check_conclusion(stack, repo, pull)
    cost = float(re.search(r"estimated \$([0-9,.]+)/month", pull["body"]).group(1).replace(",", ""))
    assert 0 < cost <= 110
    report = next(c["body"] for c in api(stack, repo, f"/issues/{pull['number']}/comments")
                  if c["body"].startswith(markers.REPORT))
    assert "shrunk to fit the $110 budget" in report
    assert "| ✅ | `cost-within-budget` |" in report and re.search(r"\*\*Policy\*\*: \d+ passed, \d+ warnings?, 0 failed", report)
    # policy passes; what still blocks the merge is only the deploy inputs (the GCP project) the request lacks
    blocking = [line for line in conclusion.splitlines() if line.startswith("- ")]
    assert all(line.startswith("- check inputs: missing before merge") for line in blocking), blocking


def test_a_request_no_plan_fits_gets_the_cheapest_plans_cost_instead_of_a_pr(stack: BotStack,
                                                                            repos: list[str]) -> None:
    repo = repos[-1]
    issue = open_request(stack, repo, BUDGET_20)

    def status() -> str | None:
        comments = api(stack, repo, f"/issues/{issue['number']}/comments")
        return next((c["body"] for c in comments if c["body"].startswith(markers.STATUS)), None)

    body = wait_for(status, 300, interval=1.0, what="the status comment")
    assert re.search(r"the cheapest plan is \$[0-9,.]+/month, above the \$20 budget", body), body
    assert "/dev-agent set budget_monthly_usd=" in body
    assert not [p for p in api(stack, repo, "/pulls", params={"state": "all"}) if "billing-api" in p["head"]["ref"]]
    def labelled() -> bool:  # the label is set right after the status comment
        return "needs-info" in {label["name"] for label in api(stack, repo, f"/issues/{issue['number']}")["labels"]}

    assert wait_for(labelled, interval=1.0, what="the needs-info label")
