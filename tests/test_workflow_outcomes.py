"""Applies and destroys run by the generated workflows reach the bot's registry: `dev-agent apply`/`destroy` in
GitHub Actions put an outcome marker in their comments (written with the workflow's token, `github-actions[bot]`),
the sandbox delivers the signed `issue_comment` webhook to the bot, and the bot sets the environment's status and
records the audit event in its own database (the runner's is gone when the job ends). Comments by people or other
bots carrying the same marker change nothing; a run counts once; an older run's report never overrides a newer one.
The whole path through act is asserted in tests/test_act_lifecycle.py."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import jwt
import pytest

from bot.demo import OWNER, REPO, USER, WEBHOOK_SECRET, _bot, demo_repository
from bot.lifecycle.apply import run_outcome
from bot.polling import wait_until
from bot.store.audit import AuditLog
from bot.store.registry import EnvironmentRecord, Registry
from sandbox import SandboxGitHub

FULL = f"{OWNER}/{REPO}"


def _installation_token(gh: SandboxGitHub, app: dict, installation: dict) -> str:
    """What `github.token` is in a workflow run: an installation token of the Actions App."""
    now = int(time.time())
    assertion = jwt.encode({"iat": now - 30, "exp": now + 300, "iss": str(app["id"])}, app["private_key_pem"],
                           algorithm="RS256")
    answer = httpx.post(f"{gh.url}/app/installations/{installation['id']}/access_tokens",
                        headers={"Authorization": f"Bearer {assertion}"}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["token"])


@pytest.fixture
def stack(tmp_path: Path):
    with SandboxGitHub() as gh:
        app, settings = demo_repository(gh, tmp_path / "bot-state", run_checks=False)
        actions = gh.create_app("github-actions")  # GITHUB_TOKEN acts as its bot, github-actions[bot]
        workflow = _installation_token(gh, actions, gh.install(actions, FULL))
        renovate = gh.create_app("renovate")
        other_bot = _installation_token(gh, renovate, gh.install(renovate, FULL))
        with _bot(settings) as url:
            gh.set_webhook(f"{url}/webhooks", WEBHOOK_SECRET, app)
            yield gh, settings, workflow, other_bot


def test_the_workflows_reported_outcomes_set_the_bots_registry(stack) -> None:
    gh, settings, workflow, other_bot = stack
    registry, audit = Registry(settings), AuditLog(settings)
    registry.upsert(EnvironmentRecord(name="web-dev", repository=FULL, status="merged", monthly_cost_usd=42.0))
    issue = gh.open_issue(OWNER, REPO, "Environment request", "dev env", user=USER)["number"]
    pull = gh.open_issue(OWNER, REPO, "dev-agent: web-dev", "the merged PR", user=USER)["number"]

    def post(token: str, number: int, body: str) -> None:
        gh.request("POST", f"/repos/{FULL}/issues/{number}/comments", token, {"body": body})

    def status() -> str:
        record = registry.get("web-dev", FULL)
        return record.status if record else ""

    # Not the workflows: a person, another App's bot, or a marker for an environment the bot never proposed.
    forged = run_outcome("web-dev", "destroyed", USER, pull).marker()
    post(gh.token_for(USER), issue, f"fake\n{forged}")
    post(other_bot, issue, f"fake\n{forged}")
    post(workflow, issue, run_outcome("ghost-dev", "applied", USER, pull).marker())

    applied = run_outcome("web-dev", "applied", USER, pull)
    for number in (pull, issue):  # apply reports on the merged PR and the request issue: one run, counted once
        post(workflow, number, f"### 🚀 `web-dev` applied\n{applied.marker()}")
    wait_until(lambda: status() == "applied", 120, interval=0.2, what="the registry to say applied", error=AssertionError)
    assert registry.monthly_cost_under_management() == 42.0  # an applied environment counts as managed
    assert registry.get("ghost-dev", FULL) is None
    events = [e for e in audit.of_environment("web-dev", FULL)]
    assert [(e.action, e.actor, e.pull_request, e.detail) for e in events] == [
        ("apply", USER, pull, "applied (reported by the workflow run)")]
    assert "destroyed" not in [h.status for h in registry.history("web-dev", FULL)]

    # Reports arriving out of order: the destroy (newer) wins over a late failure report (older).
    late_failure = run_outcome("web-dev", "failed", USER, pull)
    time.sleep(0.01)
    destroyed = run_outcome("web-dev", "destroyed", USER, pull)
    post(workflow, issue, f"`web-dev` was destroyed.\n{destroyed.marker()}")
    wait_until(lambda: status() == "destroyed", 120, interval=0.2, what="destroyed", error=AssertionError)
    post(workflow, pull, f"old news\n{late_failure.marker()}")
    wait_until(lambda: len(audit.of_environment("web-dev", FULL)) == 3, 120, interval=0.2, what="the late report",
               error=AssertionError)
    assert status() == "destroyed" and registry.monthly_cost_under_management() == 0.0


def test_a_run_that_writes_the_bots_own_database_is_audited_once(tmp_path: Path) -> None:
    """`dev-agent apply` where the bot's database is (the demo, an operator's shell): the run and the bot, reading
    the run's comment, race to record it; the audit trail gets one event either way."""
    from types import SimpleNamespace

    from bot.lifecycle.apply import record_status
    from bot.settings import Settings
    from bot.spec import spec_from_data

    settings = Settings(state_dir=tmp_path)
    registry, audit = Registry(settings), AuditLog(settings)
    workspace = SimpleNamespace(name="web-dev", spec=spec_from_data(
        {"name": "web-dev", "cloud": "aws", "region": "us-east-1", "tier": "dev"}, "spec"))
    github = SimpleNamespace(writer=SimpleNamespace(full_name=FULL))
    registry.upsert(EnvironmentRecord(name="web-dev", repository=FULL, status="merged"))

    first = run_outcome("web-dev", "applied", USER, 5)  # the run records first; the bot's webhook comes later
    record_status(settings, workspace, github, "applied", USER, "abc", pull_request=5, outcome=first)
    assert not registry.record_outcome("web-dev", FULL, "applied", first.run, first.when)
    second = run_outcome("web-dev", "failed", USER, 6)  # the bot got there first this time
    assert registry.record_outcome("web-dev", FULL, "failed", second.run, second.when)
    record_status(settings, workspace, github, "failed", USER, "def", pull_request=6, outcome=second)
    assert [e.pull_request for e in audit.of_environment("web-dev", FULL)] == [5]  # run 2's is the bot's to write
