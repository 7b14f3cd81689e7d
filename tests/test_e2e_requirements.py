"""End to end through the sandbox GitHub, `dev-agent serve` and an rq worker: a vague request is asked about
(exactly as `dev-agent parse` asks), the requester answers in plain words on the issue and gets a PR whose report
opens with the Requirements table; an unsupported ask keeps the report from "Ready for review" until accepted."""

from __future__ import annotations

import pytest

from bot.request.comments import REPORT_MARKER
from bot.request.state import STATUS_MARKER
from bot.understanding.deterministic import parse
from tests.support.bot_stack import ROOT, BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

VAGUE = "need an env for my app"
CERT = "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github:
        yield github


@pytest.fixture(scope="module")
def stack(sandbox, redis_server, tmp_path_factory):  # noqa: F811
    bundled = (ROOT / "policies" / "org-policy.yaml").read_text()
    policy = tmp_path_factory.mktemp("policy") / "org-policy.yaml"
    policy.write_text(bundled.replace("override:\n  users: []", "override:\n  users: [bob]"))  # bob reviews and accepts
    with BotStack(sandbox, redis_server.url, extra_env={"DEV_AGENT_POLICY_FILE": str(policy)}) as running:
        yield running


def labels(stack: BotStack, number: int) -> set[str]:
    return {label["name"] for label in stack.api("GET", f"/issues/{number}")["labels"]}


def test_vague_request_is_asked_and_a_plain_answer_continues(stack: BotStack) -> None:
    issue = stack.open_request("vague-app", description=VAGUE)
    number = issue["number"]
    status = wait_for(
        lambda: [c for c in stack.bot_comments(number, STATUS_MARKER) if "needs a few answers" in c["body"]],
        what="questions on the request issue",
    )[0]["body"]
    for question in parse(VAGUE).questions:  # the bot asks what the CLI asks
        assert question.split("?")[0] in status
    wait_for(lambda: "needs-info" in labels(stack, number) or None, what="needs-info label")
    assert not [p for p in stack.pulls() if p["head"]["ref"] == "dev-agent/vague-app"]

    stack.comment(number, "I'd like this", user="bob")  # not the requester: ignored (others use /dev-agent)
    stack.comment(
        number, "> What should run in this environment?\n\nIt's a FastAPI service with Postgres and Sentry"
    )
    pull = stack.wait_for_pull("vague-app")
    report = wait_for(lambda: stack.bot_comments(pull["number"], REPORT_MARKER), what="report")[0]["body"]
    assert report.index("### Requirements") < report.index("### Summary")
    assert "PostgreSQL database" in report and "Framework: FastAPI" in report
    assert "Sentry error tracking" in report and "not supported and not accepted" in report
    assert "Ready for review" not in report
    risks = report[report.index("### Risks") :]
    assert "Sentry" in risks.split("###")[1] and "None identified" not in risks
    wait_for(lambda: "needs-info" not in labels(stack, number) or None, what="needs-info removed")
    runs = stack.api("GET", f"/commits/{pull['head']['sha']}/check-runs")["check_runs"]
    assert [(r["name"], r["conclusion"]) for r in runs] == [("dev-agent", "failure")]  # no certificate yet

    stack.comment(pull["number"], f"/dev-agent set certificate_arn={CERT}")

    def neutral_run() -> list[dict] | None:
        head = stack.api("GET", f"/pulls/{pull['number']}")["head"]["sha"]
        runs = stack.api("GET", f"/commits/{head}/check-runs")["check_runs"]
        return runs if head != pull["head"]["sha"] and runs and runs[0]["conclusion"] else None

    runs = wait_for(neutral_run, 120, what="check run after the certificate is set")
    assert [(r["name"], r["conclusion"]) for r in runs] == [("dev-agent", "neutral")]
    assert "requirement(s) not supported" in runs[0]["output"]["title"]
    bob_said = [
        c for c in stack.comments(number) if c["user"]["login"] == stack.app["bot_login"] and "bob" in c["body"]
    ]
    assert not bob_said

    # A reviewer accepts the unsupported ask: the report no longer counts it as open.
    stack.comment(
        pull["number"],
        "/dev-agent override requirement:monitoring:sentry we report errors with our own Sentry",
        user="bob",
    )
    accepted = wait_for(
        lambda: [c for c in stack.bot_comments(pull["number"], REPORT_MARKER) if "(accepted)" in c["body"]],
        what="report with the accepted requirement",
        timeout=60,
    )[0]["body"]
    assert "not supported and not accepted" not in accepted and "we report errors with our own Sentry" in accepted
    head = next(p for p in stack.pulls() if p["number"] == pull["number"])["head"]["sha"]
    runs = wait_for(  # the check run completes after the report comment is posted
        lambda: [r for r in stack.api("GET", f"/commits/{head}/check-runs")["check_runs"] if r["conclusion"]] or None,
        60, what="check run after the acceptance",
    )
    assert [(r["name"], r["conclusion"]) for r in runs] == [("dev-agent", "success")]


OVERSIZED = "Spring Boot app in us-east-1 with a 20 TB postgres for the data warehouse"
UNBUILT = ("Flask app on AWS us-west-2 with Postgres in our existing VPC vpc-0abc123, GPU node for inference, "
           "tag everything cost-center=1234")


def test_requests_as_users_write_them_are_asked_or_flagged_never_dropped(stack: BotStack) -> None:
    """An out-of-range size is asked about on the issue (no PR); asks dev-agent does not build reach the report's
    Requirements table as unsupported, and a tag value is not read as a budget nor a GPU node as Node.js."""
    oversized = stack.open_request("warehouse", description=OVERSIZED)["number"]
    stack.open_request("inference", description=UNBUILT)
    status = wait_for(
        lambda: [c for c in stack.bot_comments(oversized, STATUS_MARKER) if "needs a few answers" in c["body"]],
        what="the storage question on the request issue",
    )[0]["body"]
    assert "20 TB of storage is above the limit of 16,384 GB" in status
    wait_for(lambda: "needs-info" in labels(stack, oversized) or None, what="needs-info label")

    pull = stack.wait_for_pull("inference", timeout=120)
    report = wait_for(lambda: stack.bot_comments(pull["number"], REPORT_MARKER), what="report")[0]["body"]
    requirements = report[report.index("### Requirements") : report.index("### Summary")]
    for label in ("Existing VPC / network / cluster", "GPU capacity", "Custom resource tags"):
        row = next(line for line in requirements.splitlines() if label in line)
        assert "not supported" in row.lower() or "unsupported" in row.lower(), row
    assert "not supported and not accepted" in report and "Ready for review" not in report
    spec = stack.file_on(pull["head"]["ref"], "environments/inference/environment.yaml")
    # the form's $400 budget stands: cost-center=1234 is a tag, not a $1,234 budget
    assert "language: python" in spec and "budget_monthly_usd: 400.0" in spec and "Language: node" not in requirements
    assert not [p for p in stack.pulls() if p["head"]["ref"] == "dev-agent/warehouse"]


def test_cloudfront_with_a_waf_is_honoured_in_the_report_through_the_bot(stack: BotStack) -> None:
    stack.open_request("shop-edge", description="Django shop on ECS behind CloudFront with a WAF, AWS us-west-2")
    pull = stack.wait_for_pull("shop-edge", timeout=120)
    report = wait_for(lambda: stack.bot_comments(pull["number"], REPORT_MARKER), what="report")[0]["body"]
    table = report[report.index("### Requirements") : report.index("### Summary")]
    rows = {line.split(" | ")[1]: line for line in table.splitlines() if line.startswith("| ") and " | " in line}
    cdn = rows.get(r"CDN \(CloudFront\)", "")  # the report escapes markdown in labels
    assert "✅ honoured" in cdn and "/terraform/cloudfront.tf:" in cdn, table
    assert "✅ honoured" in rows.get("Web application firewall", ""), table
    before = report[report.index("Before you merge") :]
    assert "cdn_domain" in before and "cdn_certificate_arn" in before  # the reviewer supplies the edge name and cert
    tf = stack.file_on(pull["head"]["ref"], "environments/shop-edge/terraform/cloudfront.tf")
    assert 'scope    = "CLOUDFRONT"' in tf and "provider = aws.us_east_1" in tf
