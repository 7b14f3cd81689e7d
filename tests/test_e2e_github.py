"""End to end: sandbox GitHub + real Redis + `dev-agent serve` + rq worker processes + PyGithub.

issue -> PR with report comment, check run and labels; `/dev-agent set` -> the same PR updated;
merge -> lock released and the request issue closed.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import yaml

from bot.request.comments import REPORT_MARKER
from bot.request.state import STATUS_MARKER
from bot.store.audit import AuditLog
from bot.store.locks import RedisLocks
from sandbox.server import SandboxError
from tests.support.bot_stack import FORM, BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github:
        yield github


@pytest.fixture(scope="module")
def stack(sandbox, redis_server):  # noqa: F811
    with BotStack(sandbox, redis_server.url) as running:
        yield running


def reactions(stack: BotStack, path: str) -> set[str]:
    """Reaction kinds on an issue or comment (`path` is its API path), from its reactions rollup."""
    rollup = stack.api("GET", path)["reactions"]
    return {kind for kind, count in rollup.items() if kind not in ("url", "total_count") and count}


def test_request_becomes_a_pr_is_updated_by_set_and_unlocked_by_merge(stack, redis_server):  # noqa: F811
    issue = stack.open_request("payments-e2e")
    pull = stack.wait_for_pull("payments-e2e")
    number = pull["number"]
    assert pull["base"]["ref"] == "main" and pull["user"]["login"] == stack.app["bot_login"]
    assert f"#{issue['number']}" in pull["body"]

    report = wait_for(lambda: stack.bot_comments(number, REPORT_MARKER), what="report comment")
    assert len(report) == 1 and "payments" in report[0]["body"]
    assert "held by" in report[0]["body"]  # the lock is shown
    runs = wait_for(lambda: stack.api("GET", f"/commits/{pull['head']['sha']}/check-runs")["check_runs"],
                    what="check run")
    blocking = "**Blocking:**" in report[0]["body"]  # failing policy or check, listed in the report
    assert [(r["name"], r["status"], r["conclusion"]) for r in runs] == [
        ("dev-agent", "completed", "failure" if blocking else "success")]
    labels = wait_for(lambda: {label["name"] for label in stack.api("GET", f"/issues/{number}")["labels"]} or None,
                      what="labels")
    assert {"dev-agent", "cloud:aws"} <= labels
    wait_for(lambda: "rocket" in reactions(stack, f"/issues/{issue['number']}"), what="rocket")
    assert "eyes" in reactions(stack, f"/issues/{issue['number']}")
    spec = yaml.safe_load(stack.file_on("dev-agent/payments-e2e", "environments/payments-e2e/environment.yaml"))
    assert spec["compute"]["max_replicas"] == 1 and spec["budget_monthly_usd"] == 400
    status = stack.bot_comments(issue["number"], STATUS_MARKER)
    assert len(status) == 1 and f"#{number}" in status[0]["body"]

    # A second request for the same environment is told who holds it.
    other = stack.open_request("payments-e2e", user="bob")
    held = wait_for(lambda: [c for c in stack.bot_comments(other["number"], STATUS_MARKER) if "locked" in c["body"]],
                    what="lock refusal")
    assert f"#{issue['number']}" in held[0]["body"] and "alice" in held[0]["body"]

    # /dev-agent set on the PR updates the same PR (force-pushed branch, one report comment).
    command = stack.comment(number, "/dev-agent set compute.max_replicas=3")
    wait_for(lambda: "rocket" in reactions(stack, f"/issues/comments/{command['id']}"), what="set done")
    spec = yaml.safe_load(stack.file_on("dev-agent/payments-e2e", "environments/payments-e2e/environment.yaml"))
    assert spec["compute"]["max_replicas"] == 3
    pulls = [p for p in stack.pulls() if p["head"]["ref"] == "dev-agent/payments-e2e"]
    assert [p["number"] for p in pulls] == [number] and pulls[0]["head"]["sha"] != pull["head"]["sha"]
    assert len(stack.bot_comments(number, REPORT_MARKER)) == 1
    amended = stack.bot_comments(number, REPORT_MARKER)[0]["body"]  # change cost and range after the amendment
    assert "**Change**: $" in amended and "(minimum to maximum replicas and nodes)" in amended
    head = stack.api("GET", f"/git/commits/{pulls[0]['head']['sha']}")
    assert [p["sha"] for p in head["parents"]] == [pull["base"]["sha"]]  # re-plans replace the single commit

    # Merge: the lock is released and the request issue closed with a link.
    locks = RedisLocks(redis_server.client(), 60)
    assert locks.get(f"{stack.full_name}:payments-e2e").owner == f"{stack.full_name}#{issue['number']}"
    stack.sandbox.merge_pull(stack.owner, stack.repo, number)
    wait_for(lambda: stack.api("GET", f"/issues/{issue['number']}")["state"] == "closed", what="issue closed")
    assert locks.get(f"{stack.full_name}:payments-e2e") is None
    closing = stack.bot_comments(issue["number"], "dev-agent:closed")
    assert len(closing) == 1 and f"#{number}" in closing[0]["body"]


def test_commands_need_write_access_and_quoted_commands_do_nothing(stack):
    issue = stack.open_request("auth-e2e")
    pull = stack.wait_for_pull("auth-e2e")
    head = pull["head"]["sha"]

    refused = stack.comment(pull["number"], "/dev-agent destroy", user="eve")  # read-only collaborator
    reply = wait_for(lambda: stack.bot_comments(pull["number"], f"reply:{refused['id']}"), what="refusal")
    assert "write access" in reply[0]["body"]

    quoted = stack.comment(pull["number"], "> /dev-agent destroy\n\n```\n/dev-agent destroy\n```")
    unknown = stack.comment(pull["number"], "/dev-agent frobnicate")
    wait_for(lambda: stack.bot_comments(pull["number"], f"reply:{unknown['id']}"), what="help reply")
    assert "| Command |" in stack.bot_comments(pull["number"], f"reply:{unknown['id']}")[0]["body"]
    assert stack.bot_comments(pull["number"], f"reply:{quoted['id']}") == []
    assert not any(p["title"].startswith("dev-agent: destroy") for p in stack.pulls())
    assert stack.wait_for_pull("auth-e2e")["head"]["sha"] == head
    assert issue["number"] != pull["number"]


def test_hostile_text_is_echoed_only_escaped(stack):
    issue = stack.open_request("echo-e2e")
    pull = stack.wait_for_pull("echo-e2e")
    hostile = stack.comment(pull["number"], '/dev-agent set region="<img src=x onerror=alert(1)>$(reboot)@admins"')
    reply = wait_for(lambda: stack.bot_comments(pull["number"], f"reply:{hostile['id']}"), what="reply")[0]["body"]
    assert "failed" in reply and "region" in reply
    assert "<img" not in reply and "@admins" not in reply

    injected = stack.sandbox.open_issue(
        stack.owner, stack.repo, "Environment: <b>x</b>",
        "### Environment name\n\n<img src=x onerror=alert(1)>\n\n### Cloud\n\naws\n\n### Region\n\n"
        "@admins [x](javascript:alert(1)) <b>bold</b>\n", user="alice", labels=["environment-request"])
    status = wait_for(lambda: stack.bot_comments(injected["number"], STATUS_MARKER), what="questions")[0]["body"]
    assert "needs a few answers" in status and "name" in status
    assert "<img" not in status and "<b>" not in status and "@admins" not in status and "](javascript" not in status

    with pytest.raises(SandboxError, match=r"422.*body is too long"):  # GitHub refuses it: no event reaches the bot
        stack.comment(pull["number"], "x" * 1_000_000 + "\n/dev-agent plan")
    assert issue["number"] < pull["number"]


def test_extend_moves_the_expiry_through_a_pr_within_the_tier_maximum(stack, redis_server):  # noqa: F811
    issue = stack.open_request("extend-e2e")  # staging, 14 days; the bundled policy allows staging 90 days
    pull = stack.wait_for_pull("extend-e2e")
    path = "environments/extend-e2e/environment.yaml"

    def expiry(ref: str) -> dt.date:
        return dt.date.fromisoformat(str(yaml.safe_load(stack.file_on(ref, path))["expires_on"]))

    planned = expiry("dev-agent/extend-e2e")

    def extend(args: str, outcome: str = "rocket") -> str:
        command = stack.comment(issue["number"], f"/dev-agent extend {args}")
        wait_for(lambda: outcome in reactions(stack, f"/issues/comments/{command['id']}"), what=f"extend {args}")
        return stack.bot_comments(issue["number"], f"reply:{command['id']}")[0]["body"]

    # Before the merge the open PR itself is updated.
    assert f"#{pull['number']}" in extend("1w")
    assert expiry("dev-agent/extend-e2e") == planned + dt.timedelta(days=7)
    assert [p["number"] for p in stack.pulls("open") if p["head"]["ref"] == "dev-agent/extend-e2e"] == [pull["number"]]
    stack.sandbox.merge_pull(stack.owner, stack.repo, pull["number"])
    wait_for(lambda: stack.api("GET", f"/issues/{issue['number']}")["state"] == "closed", what="issue closed")

    # After the merge: a new, small PR from its own branch moves the date recorded on main.
    moved = planned + dt.timedelta(days=14)
    reply = extend("7d")
    extension = next(p for p in stack.pulls("open") if p["head"]["ref"] == "dev-agent/extend--extend-e2e")
    assert extension["number"] != pull["number"] and f"#{extension['number']}" in reply and str(moved) in reply
    assert extension["title"] == f"dev-agent: extend extend-e2e to {moved}"
    assert expiry("dev-agent/extend--extend-e2e") == moved
    assert expiry("main") == planned + dt.timedelta(days=7)
    changed = {f["filename"] for f in stack.api("GET", f"/pulls/{extension['number']}/files")}
    assert path in changed and "environments/extend-e2e/dev-agent.lock.json" in changed
    assert all(name.startswith("environments/extend-e2e/") for name in changed) and len(changed) <= 6, changed

    audit = AuditLog(stack.settings()).of_environment("extend-e2e", stack.full_name)
    assert [(e.actor, e.pull_request, e.detail) for e in audit
            if e.action == "extend" and e.environment == "extend-e2e"] == [
        ("alice", pull["number"], f"expires_on {planned} -> {planned + dt.timedelta(days=7)}"),
        ("alice", extension["number"], f"expires_on {planned + dt.timedelta(days=7)} -> {moved}")]

    # Past the tier's maximum: refused, naming the limit, and nothing changes.
    refusal = extend("80d", outcome="confused")
    assert "at most 90 days" in refusal and "staging" in refusal
    assert stack.api("GET", f"/pulls/{extension['number']}")["head"]["sha"] == extension["head"]["sha"]
    assert expiry("dev-agent/extend--extend-e2e") == moved

    # Merging the extension releases the environment's lock (read from its branch, not taken to be the branch).
    locks = RedisLocks(redis_server.client(), 60)
    assert locks.get(f"{stack.full_name}:extend-e2e").owner == f"{stack.full_name}#{issue['number']}"
    stack.sandbox.merge_pull(stack.owner, stack.repo, extension["number"])
    wait_for(lambda: locks.get(f"{stack.full_name}:extend-e2e") is None, what="lock released")
    assert expiry("main") == moved


def test_an_api_request_becomes_a_pr_without_a_comment(stack, redis_server):  # noqa: F811
    from bot.api.keys import KeyStore

    token, _ = KeyStore(stack.settings()).create("e2e", ["request", "read"],
                                                                installation=stack.installation["id"], owner="bob")
    auth = {"Authorization": f"Bearer {token}"}
    body = {"repository": stack.full_name, "requested_by": "bob",
            "text": FORM.format(name="api-e2e", description="staging for an API client")}
    accepted = httpx.post(f"{stack.url}/api/environments", json=body, headers=auth, timeout=30)
    assert accepted.status_code == 202, accepted.text
    number = int(accepted.json()["issue_url"].rsplit("/", 1)[1])

    pull = stack.wait_for_pull("api-e2e")  # no `/dev-agent plan` comment needed
    assert f"#{number}" in pull["body"]
    job_url = f"{stack.url}{accepted.json()['status_url']}"
    wait_for(lambda: httpx.get(job_url, headers=auth).json()["status"] == "done", what="plan job done")
    status = stack.bot_comments(number, STATUS_MARKER)
    assert len(status) == 1 and f"#{pull['number']}" in status[0]["body"]
    environment = httpx.get(f"{stack.url}/api/environments/api-e2e", headers=auth).json()
    assert environment["owner"] == "bob"  # planned on behalf of the requester, not the App

    # The App's own `issues.opened` webhook did arrive and was ignored as a bot event: one PR only.
    stack.sandbox.wait_for_deliveries(30)
    opened = [d for d in stack.sandbox.deliveries if d["event"] == "issues"
              and d["payload"]["repository"]["full_name"] == stack.full_name
              and d["payload"]["issue"]["number"] == number]
    assert [(d["action"], d["status_code"], d["payload"]["sender"]["login"]) for d in opened][:1] == [
        ("opened", 200, stack.app["bot_login"])]
    assert [p["number"] for p in stack.pulls() if p["head"]["ref"] == "dev-agent/api-e2e"] == [pull["number"]]
    assert len(stack.bot_comments(pull["number"], REPORT_MARKER)) == 1

    forged = httpx.post(f"{stack.url}/api/environments", json={**body, "requested_by": "alice"}, headers=auth,
                        timeout=30)
    assert forged.status_code == 400 and "key's owner (bob)" in forged.json()["detail"]  # files only as its owner
    eve, _ = KeyStore(stack.settings()).create(
        "eve", ["request"], installation=stack.installation["id"], owner="eve")
    refused = httpx.post(f"{stack.url}/api/environments", json={k: v for k, v in body.items() if k != "requested_by"},
                         headers={"Authorization": f"Bearer {eve}"}, timeout=30)
    assert refused.status_code == 403 and "write access" in refused.json()["detail"]
