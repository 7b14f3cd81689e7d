"""End to end through the sandbox GitHub, `dev-agent serve` and an rq worker: requests for Datadog on Lambda, New
Relic on GKE and Datadog on a VM get a PR whose report's Requirements table says honoured, with the generated file
and line, and whose "Before you merge" names the key's secret the reviewer stores."""

from __future__ import annotations

import pytest

from bot.request.comments import REPORT_MARKER
from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e_apm")]

REQUESTS = {
    "hooks-dev": ("Dev environment for hooks: FastAPI on Lambda with Datadog on AWS us-east-1", "Datadog agent",
                  "/terraform/lambda.tf:", "`datadog_secret_arn`"),
    "shop-dev": ("Dev environment for shop: FastAPI on GKE in GCP us-central1 with New Relic", "New Relic agent",
                 "/terraform/outputs.tf:", "`newrelic_secret_id`"),
    "legacy-dev": ("Dev environment for legacy: FastAPI on an EC2 VM with Datadog on AWS us-east-1", "Datadog agent",
                   "/terraform/ec2.tf:", "`datadog_secret_arn`"),
}


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github:
        yield github


@pytest.fixture(scope="module")
def reports(sandbox, redis_server) -> dict[str, str]:  # noqa: F811
    with BotStack(sandbox, redis_server.url) as stack:
        for name, (text, *_rest) in REQUESTS.items():  # written as people write them: no form, plain words
            sandbox.open_issue(stack.owner, stack.repo, f"Environment: {name}", text, user="alice",
                               labels=["environment-request"])
        found = {}
        for name in REQUESTS:
            pull = stack.wait_for_pull(name, timeout=180)
            found[name] = wait_for(lambda number=pull["number"]: stack.bot_comments(number, REPORT_MARKER),
                                   180, what=f"report of {name}")[0]["body"]
        return found


@pytest.mark.parametrize("name", list(REQUESTS))
def test_the_report_honours_the_apm_ask_at_the_generated_line(reports: dict[str, str], name: str) -> None:
    _text, label, file, secret_input = REQUESTS[name]
    report = reports[name]
    table = report[report.index("### Requirements"):report.index("### Summary")]
    row = next(line for line in table.splitlines() if f"| {label}" in line)
    assert "✅ honoured" in row and f"environments/{name}{file}" in row, row
    assert "not supported and not accepted" not in report
    before = report[report.index("Before you merge"):]
    assert secret_input in before  # the reviewer stores the key and names its secret; the key never enters a file
