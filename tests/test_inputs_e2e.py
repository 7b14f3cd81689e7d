"""The user's path for a missing Terraform input (sandbox GitHub + Redis + bot processes + PyGithub): a staging
request on AWS has no TLS certificate, so the report lists it under "Before you merge" and the check run fails
naming it; `/dev-agent set certificate_arn=...` puts it in the reviewable tfvars file and the check passes."""

from __future__ import annotations

import json

import pytest

from bot.request.comments import REPORT_MARKER
from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

CERT = "arn:aws:acm:us-west-2:210987654321:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
TFVARS = "environments/inputs-e2e/terraform/dev-agent.auto.tfvars.json"


@pytest.fixture(scope="module")
def stack(redis_server):  # noqa: F811
    from sandbox import SandboxGitHub

    with SandboxGitHub() as sandbox, BotStack(sandbox, redis_server.url) as running:
        yield running


def _runs(stack: BotStack, sha: str) -> list[dict]:
    return stack.api("GET", f"/commits/{sha}/check-runs")["check_runs"]


def test_missing_certificate_fails_the_check_run_until_set(stack):
    stack.open_request("inputs-e2e")
    pull = stack.wait_for_pull("inputs-e2e")
    number = pull["number"]
    report = wait_for(lambda: stack.bot_comments(number, REPORT_MARKER), what="report comment")[0]["body"]
    assert "### ⛔ Before you merge" in report
    assert "- `certificate_arn`: ACM certificate (same region) for the load balancer's HTTPS listener. Comment " \
           "`/dev-agent set certificate_arn=arn:aws:acm:<region>:<account>:certificate/<id>`." in report
    (run,) = wait_for(lambda: _runs(stack, pull["head"]["sha"]), what="check run")
    assert run["conclusion"] == "failure"
    assert "certificate_arn" in run["output"]["summary"]
    assert "certificate_arn" not in json.loads(stack.file_on("dev-agent/inputs-e2e", TFVARS))

    bad = stack.comment(number, "/dev-agent set certificate_arn=arn:aws:iam::210987654321:role/admin")
    wait_for(lambda: [c for c in stack.comments(number) if f"dev-agent:reply:{bad['id']}" in c["body"]],
             what="refusal")
    assert "certificate_arn" not in json.loads(stack.file_on("dev-agent/inputs-e2e", TFVARS))

    stack.comment(number, f"/dev-agent set certificate_arn={CERT}")
    updated = wait_for(lambda: next((p for p in stack.pulls() if p["number"] == number
                                     and p["head"]["sha"] != pull["head"]["sha"]), None), what="updated PR")
    assert json.loads(stack.file_on("dev-agent/inputs-e2e", TFVARS))["certificate_arn"] == CERT
    (run,) = wait_for(lambda: _runs(stack, updated["head"]["sha"]), what="new check run")
    assert "certificate_arn" not in run["output"]["summary"]
    report = wait_for(lambda: [c["body"] for c in stack.bot_comments(number, REPORT_MARKER)
                               if "Before you merge" not in c["body"]] or None, what="report without the input")[0]
    blocking = "**Blocking:**" in report
    assert run["conclusion"] == ("failure" if blocking else "success")
