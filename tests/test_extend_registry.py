"""`/dev-agent extend` on an environment that already runs moves only its expiry in the registry: its status
(applied), owner, PR and cost stay what they were."""

from __future__ import annotations

import datetime as dt

from bot.request.derive import Derived
from bot.request.state import RequestState
from bot.request.write import propose
from bot.spec import load_spec
from bot.store.registry import EnvironmentRecord
from sandbox import SandboxGitHub
from tests.support.lifecycle_stack import app_job, merged_environment

ENV = "keep-dev"
EXPIRES = dt.date(2030, 1, 10)


def test_extending_an_applied_environment_moves_only_its_expiry(tmp_path):
    with SandboxGitHub() as gh:
        repo, issue, merged = merged_environment(gh, ENV, EXPIRES, tmp_path)
        ctx, target = app_job(gh, repo, issue, tmp_path / "bot", actor="bob")  # a collaborator extends it
        applied = ctx.registry.upsert(EnvironmentRecord(
            name=ENV, repository=repo.full_name, owner="alice", cloud="aws", region="us-east-1", status="applied",
            monthly_cost_usd=42.0, expires_on=EXPIRES, pr_url=f"{gh.url}/{repo.full_name}/pull/{merged}"))
        spec = load_spec(repo.checkout / "environments" / ENV / "environment.yaml")

        extended = spec.model_copy(update={"expires_on": EXPIRES + dt.timedelta(days=7)})
        started = dt.datetime.now(dt.UTC)
        propose(ctx, target, RequestState(issue=issue), Derived(extended, {}, [], []), kind="extend")

        record = ctx.registry.get(ENV, repo.full_name)
        assert record.status == "applied"
        assert record.expires_on == EXPIRES + dt.timedelta(days=7)
        moved = {"expires_on", "updated_at"}
        assert record.model_dump(exclude=moved) == applied.model_dump(exclude=moved)
        assert [e.action for e in ctx.audit.since(started)] == []  # no `plan` event: nothing was re-planned
