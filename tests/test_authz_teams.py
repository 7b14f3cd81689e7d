"""Org policy lists that name teams: membership looked up on GitHub (sandbox + PyGithub + real bot processes);
refusals answered with a comment; `/dev-agent override` reaches the policy engine and the report."""

from __future__ import annotations

import re

import pytest

from bot.proposal import REPORT_MARKER, STATUS_MARKER
from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

POLICY = """version: 1
tiers:
  staging:
    max_monthly_usd: 20
request:
  users: []
  teams: [octo/developers]
override:
  users: []
  teams: [platform]
"""
MEMBERSHIP = "GET /orgs/{org}/teams/{team_slug}/memberships/{username}"


@pytest.fixture(scope="module")
def stack(redis_server, tmp_path_factory):  # noqa: F811
    from bot.sandbox import SandboxGitHub

    policy = tmp_path_factory.mktemp("policy") / "org-policy.yaml"
    policy.write_text(POLICY)
    with SandboxGitHub() as sandbox:
        sandbox.create_org("octo")
        for login in ("alice", "bob", "dave"):
            sandbox.create_user(login)
        sandbox.add_team_member("octo", "developers", "alice")
        sandbox.add_team_member("octo", "developers", "bob")
        sandbox.add_team_member("octo", "platform", "alice", "maintainer")
        with BotStack(sandbox, redis_server.url, extra_env={"DEV_AGENT_POLICY_FILE": str(policy)}) as running:
            sandbox.add_collaborator(running.owner, running.repo, "dave", "write")
            yield running


def reply_to(stack: BotStack, number: int, comment: dict) -> str:
    return wait_for(lambda: stack.bot_comments(number, f"reply:{comment['id']}"), what="reply")[0]["body"]


def blocking(report: str) -> str:
    return report.split("**Blocking:**", 1)[1] if "**Blocking:**" in report else ""


def test_team_members_may_request_and_override_and_others_are_told_why_not(stack):
    issue = stack.open_request("teams-e2e")  # alice: on no user list, member of octo/developers
    pull = stack.wait_for_pull("teams-e2e")
    report = wait_for(lambda: stack.bot_comments(pull["number"], REPORT_MARKER), what="report")[0]["body"]
    assert stack.sandbox.calls.get(MEMBERSHIP, 0) >= 1
    assert "cost-within-tier" in blocking(report)  # about $70/month over the staging cap of $20

    outsider = stack.open_request("teams-outsider", user="dave")  # write access, but in no listed team
    refused = wait_for(lambda: stack.bot_comments(outsider["number"], STATUS_MARKER), what="refusal")[0]["body"]
    assert "not on the org policy" in refused and "octo/developers" in refused
    assert not [p for p in stack.pulls() if p["head"]["ref"] == "dev-agent/teams-outsider"]

    # bob may request (developers) but not override (platform only).
    denied = stack.comment(pull["number"], "/dev-agent override cost-within-tier finance approved", user="bob")
    text = reply_to(stack, pull["number"], denied)
    assert text.startswith(f"<!-- dev-agent:reply:{denied['id']} -->\nNot run:") and "override\\` list" in text
    assert "platform" in text

    granted = stack.comment(pull["number"], "/dev-agent override cost-within-tier finance approved", user="alice")
    assert "recorded" in reply_to(stack, pull["number"], granted)  # the reply comes after the re-plan
    report = stack.bot_comments(pull["number"], REPORT_MARKER)[0]["body"]
    assert re.search(r"overridden by \W{0,2}alice on \d{4}-\d\d-\d\d: finance approved", report), report
    assert re.search(r"\*\*Override:\*\* cost-within-tier by \W{0,2}alice", report)
    assert "cost-within-tier" not in blocking(report)
    runs = stack.api("GET", f"/commits/{stack.wait_for_pull('teams-e2e')['head']['sha']}/check-runs")["check_runs"]
    assert [r["conclusion"] for r in runs] == ["success"]  # the override was the only blocker
    assert issue["number"] < pull["number"]
