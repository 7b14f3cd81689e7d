"""Routing: handlers per (event, action), bots ignored, real GitHub payload examples routed correctly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.github.installations import MemoryInstallations
from bot.jobs.delivery import JobContext, process_delivery
from bot.jobs.handlers import load_handlers
from bot.jobs.routing import Router, sent_by_bot
from bot.settings import Settings
from bot.store.locks import MemoryLocks

PAYLOADS = Path(__file__).parent / "fixtures" / "github" / "webhooks"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


def no_github(installation_id: int):
    raise AssertionError("this event must not call GitHub")


@pytest.fixture
def ctx() -> JobContext:
    return JobContext(settings=Settings(bot_login="dev-agent[bot]"), locks=MemoryLocks(60),
                      installations=MemoryInstallations(), github=no_github, org_policy=lambda login, action, member_of: None)


def test_handlers_run_for_their_event_and_action_only():
    router, seen = Router(), []
    router.register("issues", "opened")(lambda ctx, p: seen.append("opened"))
    router.register("issues")(lambda ctx, p: seen.append("any issues"))
    router.register("pull_request", "closed")(lambda ctx, p: seen.append("closed"))
    human = {"login": "alice", "type": "User"}
    assert router.dispatch(None, "issues", {"action": "opened", "sender": human}) == 2
    assert router.dispatch(None, "issues", {"action": "labeled", "sender": human}) == 1
    assert router.dispatch(None, "push", {"sender": human}) == 0
    assert seen == ["any issues", "opened", "any issues"]


@pytest.mark.parametrize("sender", [
    {"login": "dependabot[bot]", "type": "Bot"},
    {"login": "dev-agent[bot]", "type": "Bot"},
    {"login": "some-app[bot]", "type": "User"},
    {"login": "dev-agent[bot]"},
])
def test_events_from_bots_including_this_app_are_ignored(sender):
    router, seen = Router(), []
    router.register("issue_comment", "created")(lambda ctx, p: seen.append(p))
    assert sent_by_bot({"sender": sender}, "dev-agent[bot]")
    assert router.dispatch(None, "issue_comment", {"action": "created", "sender": sender}) == 0
    assert seen == []


def test_the_product_router_covers_the_documented_events():
    router = load_handlers()
    for event, action in [("issues", "opened"), ("issues", "edited"), ("issue_comment", "created"),
                          ("pull_request", "closed"), ("installation", "created"), ("installation", "deleted"),
                          ("installation_repositories", "added"), ("installation_repositories", "removed")]:
        assert router.handlers_for(event, action), (event, action)
    assert not router.handlers_for("issues", "labeled")


def test_installation_events_record_installations_and_repositories(ctx):
    created = payload("installation/created.payload.json")
    process_delivery("d1", "installation", created, ctx)
    recorded = ctx.installations.get(created["installation"]["id"])
    assert recorded["account"] == created["installation"]["account"]["login"]
    assert recorded["repositories"] == sorted(r["full_name"] for r in created["repositories"])

    added = payload("installation_repositories/added.payload.json")
    process_delivery("d2", "installation_repositories", added, ctx)
    repos = ctx.installations.get(added["installation"]["id"])["repositories"]
    assert {r["full_name"] for r in added["repositories_added"]} <= set(repos)

    deleted = payload("installation/deleted.payload.json")
    process_delivery("d3", "installation", deleted, ctx)
    assert ctx.installations.get(deleted["installation"]["id"]) is None


@pytest.mark.parametrize("event,name", [
    ("issues", "issues/opened.payload.json"),  # a bug report: not an environment request
    ("issues", "issues/edited.payload.json"),
    ("issue_comment", "issue_comment/created.payload.json"),  # no /dev-agent command
    ("pull_request", "pull_request/closed.payload.json"),  # not a dev-agent branch
])
def test_unrelated_issues_comments_and_prs_touch_nothing(ctx, event, name):
    ctx.locks.acquire("Codertocat/Hello-World:changes", "changes", "someone#1", "alice")
    process_delivery("d", event, payload(name), ctx)
    assert ctx.locks.get("Codertocat/Hello-World:changes") is not None


def test_closing_a_pr_from_a_dev_agent_branch_that_dev_agent_did_not_open_releases_nothing(ctx):
    """Only the App's own PRs act on locks (bot/request/markers.py); the e2e tests close real ones."""
    closed = payload("pull_request/closed.payload.json")
    closed["pull_request"]["head"]["ref"] = "dev-agent/payments"
    closed["pull_request"]["body"] = "<!-- dev-agent:request #7 -->"  # anyone can paste the marker
    full = closed["repository"]["full_name"]
    ctx.locks.acquire(f"{full}:payments", "payments", f"{full}#7", "alice")
    process_delivery("d", "pull_request", closed, ctx)
    assert ctx.locks.get(f"{full}:payments") is not None


def test_only_workflow_handlers_get_events_from_the_workflows_token():
    """dev-agent-plan.yml edits the bot's report and `dev-agent apply`/`destroy` report outcomes with GITHUB_TOKEN
    (github-actions[bot]): those events reach only the handlers registered for workflows (the plan gate, the
    outcome), never the command handler; every other bot's events, and this App's own, reach nothing."""
    router = load_handlers()
    actions = {"login": "github-actions[bot]", "type": "Bot"}
    assert {h.__name__ for h in router.handlers_for("issue_comment", "created", {"sender": actions})} == {"on_outcome"}
    assert {h.__name__ for h in router.handlers_for("issue_comment", "edited", {"sender": actions})} == {
        "on_outcome", "on_plan_posted"}
    assert router.handlers_for("issues", "edited", {"sender": actions}) == []
    for sender in ({"login": "renovate[bot]", "type": "Bot"}, {"login": "dev-agent[bot]", "type": "Bot"},
                   {"login": "github-actions[bot]", "type": "User"}, {"login": "dev-agent-app", "type": "User"}):
        assert router.handlers_for("issue_comment", "created", {"sender": sender}, "dev-agent-app") == [], sender
    person = {"sender": {"login": "alice", "type": "User"}}
    assert {h.__name__ for h in router.handlers_for("issue_comment", "created", person)} == {"on_comment", "on_outcome"}
