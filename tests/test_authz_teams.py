"""Org policy lists that name teams: membership looked up on GitHub (sandbox + PyGithub + real bot processes);
refusals answered with a comment; `/dev-agent override` reaches the policy engine and the report; the `apply`
list is named to reviewers, needed for `/dev-agent destroy`, and a merge by someone off it is flagged and audited."""

from __future__ import annotations

import re

import pytest

from bot.request.comments import REPORT_MARKER
from bot.request.state import STATUS_MARKER
from bot.store.audit import AuditLog
from tests.support.bot_stack import BotStack, wait_for
from tests.support.reading import as_read
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

POLICY = """version: 1
tiers:
  staging:
    max_ttl_days: 7
request:
  users: []
  teams: [octo/developers]
apply:
  users: []
  teams: [platform]
override:
  users: []
  teams: [platform]
"""
CERT = "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
MEMBERSHIP = "GET /orgs/{org}/teams/{team_slug}/memberships/{username}"


@pytest.fixture(scope="module")
def stack(redis_server, tmp_path_factory):  # noqa: F811
    from sandbox import SandboxGitHub

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


def test_team_members_may_request_and_override_and_others_are_told_why_not(stack, redis_server):  # noqa: F811
    issue = stack.open_request("teams-e2e")  # alice: on no user list, member of octo/developers
    pull = stack.wait_for_pull("teams-e2e")
    report = wait_for(lambda: stack.bot_comments(pull["number"], REPORT_MARKER), what="report")[0]["body"]
    assert stack.sandbox.calls.get(MEMBERSHIP, 0) >= 1
    assert "ttl-within-tier" in blocking(report)  # 14 days asked, staging allows 7

    outsider = stack.open_request("teams-outsider", user="dave")  # write access, but in no listed team
    refused = wait_for(lambda: stack.bot_comments(outsider["number"], STATUS_MARKER), what="refusal")[0]["body"]
    assert "not on the org policy" in refused and "octo/developers" in refused
    assert not [p for p in stack.pulls() if p["head"]["ref"] == "dev-agent/teams-outsider"]

    # staging needs an HTTPS certificate before merging; alice gives one so the TTL is the only blocker left
    cert = stack.comment(pull["number"], f"/dev-agent set certificate_arn={CERT}", user="alice")
    assert "Updated #" in reply_to(stack, pull["number"], cert)

    # bob may request (developers) but not override (platform only).
    denied = stack.comment(pull["number"], "/dev-agent override ttl-within-tier finance approved", user="bob")
    text = reply_to(stack, pull["number"], denied)
    assert text.startswith(f"<!-- dev-agent:reply:{denied['id']} -->\nNot run:") and "`override` list" in text
    assert "platform" in text

    granted = stack.comment(pull["number"], "/dev-agent override ttl-within-tier finance approved", user="alice")
    said = as_read(reply_to(stack, pull["number"], granted))  # the reply comes after the re-plan
    assert said == (f"Override of ttl-within-tier recorded; updated #{pull['number']}: ttl-within-tier is now a "
                    f"warning naming you and the reason. #{pull['number']} is not blocked by policy."), said
    report = stack.bot_comments(pull["number"], REPORT_MARKER)[0]["body"]
    assert re.search(r"overridden by \W{0,2}alice on \d{4}-\d\d-\d\d: finance approved", report), report
    assert re.search(r"\*\*Override:\*\* ttl-within-tier by \W{0,2}alice", report)
    assert "ttl-within-tier" not in blocking(report)
    runs = stack.api("GET", f"/commits/{stack.wait_for_pull('teams-e2e')['head']['sha']}/check-runs")["check_runs"]
    assert [r["conclusion"] for r in runs] == ["success"], blocking(report)  # the override was the only blocker
    assert issue["number"] < pull["number"]
    apply_line = "Merging applies this environment. Org policy `apply` list: teams platform."
    assert f"**Apply:** {apply_line}" in report and apply_line in runs[0]["output"]["summary"]

    # bob (developers, not platform) may not destroy; his merge stands but is flagged on the PR and audited.
    denied = stack.comment(pull["number"], "/dev-agent destroy", user="bob")
    text = reply_to(stack, pull["number"], denied)
    assert text.startswith(f"<!-- dev-agent:reply:{denied['id']} -->\nNot run:") and "`apply` list" in text
    assert "platform" in text and not [p for p in stack.pulls() if p["head"]["ref"] == "dev-agent/destroy--teams-e2e"]
    stack.sandbox.merge_pull(stack.owner, stack.repo, pull["number"], user="bob")
    flagged = wait_for(lambda: stack.bot_comments(pull["number"], "dev-agent:unlisted-merge"), what="merge flag")
    assert len(flagged) == 1 and "bob" in flagged[0]["body"] and "`apply` list" in flagged[0]["body"]
    audit = AuditLog(stack.settings()).of_environment("teams-e2e", stack.full_name)
    assert [(e.actor, e.pull_request) for e in audit if e.action == "merge" and e.environment == "teams-e2e"] == [
        ("bob", pull["number"])]

    # alice (platform) may: the destroy PR tells reviewers who may merge it.
    allowed = stack.comment(issue["number"], "/dev-agent destroy", user="alice")
    assert "Opened #" in reply_to(stack, issue["number"], allowed)
    destroy = next(p for p in stack.pulls("open") if p["head"]["ref"] == "dev-agent/destroy--teams-e2e")
    assert "Merging destroys this environment. Org policy `apply` list: teams platform." in destroy["body"]
