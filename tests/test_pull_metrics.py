"""`dev_agent_pull_requests_total` counts every PR dev-agent writes, by kind: extend, destroy (from the command
and from `expire`, one branch), revert; request PRs keep `action` opened/updated (their run is in test_demo_metrics)."""

from __future__ import annotations

import datetime as dt

from prometheus_client import REGISTRY

from bot.lifecycle.expire import open_destroy_pull
from bot.lifecycle.github import APPLIED_REF, GitHubTarget
from bot.lifecycle.rollback import open_revert_pull
from bot.request.derive import Derived
from bot.request.markers import request_link
from bot.request.state import RequestState
from bot.request.write import propose, propose_destroy
from bot.spec import load_spec
from sandbox import SandboxGitHub
from tests.support.lifecycle_stack import app_job, merged_environment

ENV = "count-dev"
EXPIRES = dt.date(2030, 1, 10)


def counted(kind: str, action: str) -> float:
    return REGISTRY.get_sample_value("dev_agent_pull_requests_total", {"kind": kind, "action": action}) or 0.0


def test_extend_destroy_and_revert_prs_are_counted_by_kind(tmp_path):
    with SandboxGitHub() as gh:
        repo, issue, merged = merged_environment(gh, ENV, EXPIRES, tmp_path)
        ctx, target = app_job(gh, repo, issue, tmp_path / "bot")
        spec = load_spec(repo.checkout / "environments" / ENV / "environment.yaml")
        before = {(k, a): counted(k, a) for k in ("request", "extend", "destroy", "revert") for a in ("opened", "updated")}

        def moved() -> dict[tuple[str, str], float]:
            return {key: counted(*key) - value for key, value in before.items() if counted(*key) != value}

        extended = spec.model_copy(update={"expires_on": EXPIRES + dt.timedelta(days=7)})
        extension = propose(ctx, target, RequestState(issue=issue), Derived(extended, {}, [], []), kind="extend")
        assert repo.client().get_repo(repo.full_name).get_pull(extension).head.ref == f"dev-agent/extend--{ENV}"
        assert moved() == {("extend", "opened"): 1}

        destroy = propose_destroy(ctx, target, RequestState(issue=issue), ENV)
        github = GitHubTarget(writer=repo.writer(), default_branch="main")
        assert open_destroy_pull(github, ENV, "It expired.", issue).endswith(f"/{destroy}")  # the same PR, updated
        target.writer.set_ref(APPLIED_REF.format(name=ENV), gh.request(
            "GET", f"/repos/{repo.full_name}/pulls/{merged}", repo.token)["merge_commit_sha"])
        revert = open_revert_pull(github, ENV, "0" * 40, "terraform apply", issue)
        body = repo.client().get_repo(repo.full_name).get_pull(int(revert.rsplit("/", 1)[1])).body
        assert body.endswith(request_link(issue).splitlines()[-1])  # it names its request issue
        assert moved() == {("extend", "opened"): 1, ("destroy", "opened"): 1, ("destroy", "updated"): 1,
                           ("revert", "opened"): 1}
