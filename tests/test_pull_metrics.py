"""`dev_agent_pull_requests_total` counts every PR dev-agent writes, by kind: extend, destroy (from the command
and from `expire`, one branch), revert; request PRs keep `action` opened/updated (their run is in test_demo_metrics)."""

from __future__ import annotations

import datetime as dt

from prometheus_client import REGISTRY

from bot.github_app import GitHubApp
from bot.github_writer import RepositoryWriter
from bot.installations import MemoryInstallations
from bot.jobs import JobContext
from bot.lifecycle.expire import open_destroy_pull
from bot.lifecycle.github import APPLIED_REF, GitHubTarget
from bot.lifecycle.rollback import open_revert_pull
from bot.locks import MemoryLocks
from bot.proposal import Derived, RequestState, Target, propose, propose_destroy, request_issue_of
from bot.sandbox import SandboxGitHub
from bot.settings import Settings
from bot.spec import load_spec
from tests.support.lifecycle_stack import environment_files, make_repo

ENV = "count-dev"
EXPIRES = dt.date(2030, 1, 10)


def counted(kind: str, action: str) -> float:
    return REGISTRY.get_sample_value("dev_agent_pull_requests_total", {"kind": kind, "action": action}) or 0.0


def test_extend_destroy_and_revert_prs_are_counted_by_kind(tmp_path):
    with SandboxGitHub() as gh:
        repo = make_repo(gh, "alice", "infra", tmp_path)
        issue = gh.open_issue("alice", "infra", f"dev env for {ENV}", user="alice")["number"]
        merged = repo.merge_environment(ENV, environment_files(ENV, EXPIRES, Settings()), issue, f"dev-agent: {ENV}")
        app = gh.create_app("dev-agent")
        installation = gh.install(app, repo.full_name)["id"]
        settings = Settings(state_dir=tmp_path / "bot", redis_url=None, run_checks=False, github_api_url=gh.url,
                            github_app_id=app["id"], github_private_key=app["private_key_pem"])
        bot = GitHubApp(settings).client(installation)  # check runs need the App
        ctx = JobContext(settings=settings, locks=MemoryLocks(60), installations=MemoryInstallations(),
                         github=lambda installation: bot)
        target = Target(writer=RepositoryWriter(bot, repo.full_name), repo={"full_name": repo.full_name, "default_branch": "main"},
                        issue={"number": issue}, actor="alice", when=dt.datetime.now(dt.UTC))
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
        assert request_issue_of(body) == issue  # closing it releases the lock the request holds
        assert moved() == {("extend", "opened"): 1, ("destroy", "opened"): 1, ("destroy", "updated"): 1,
                           ("revert", "opened"): 1}
