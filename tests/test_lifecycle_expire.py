"""`dev-agent expire` through the CLI against the sandbox GitHub (no terraform): nothing three days before,
one warning two days and one day before (once each, however often it runs), then a destroy PR, whose merge
releases the environment's lock and closes its request; an open extend PR holds the destroy PR off."""

from __future__ import annotations

import datetime as dt
import json

from bot.github.branches import bot_branch
from bot.github.installations import MemoryInstallations
from bot.jobs.delivery import JobContext, process_delivery
from bot.request.derive import Derived
from bot.request.state import RequestState
from bot.request.write import propose
from bot.settings import Settings
from bot.spec import load_spec
from bot.store.locks import MemoryLocks
from sandbox import SandboxGitHub
from tests.support.lifecycle_stack import app_job, environment_files, merged_environment

ENV = "exp-dev"
EXPIRES = dt.date(2030, 1, 10)


def test_expire_warns_two_days_and_one_day_before_then_opens_a_destroy_pr(tmp_path):
    with SandboxGitHub() as gh:
        repo, issue, _ = merged_environment(gh, ENV, EXPIRES, tmp_path)
        state_dir = tmp_path / "state"
        issue_api = repo.client().get_repo(repo.full_name).get_issue(issue)

        def expire(days_before: int) -> tuple[int, dict]:
            run = repo.dev_agent("expire", "--json", "--today", str(EXPIRES - dt.timedelta(days=days_before)),
                                 state_dir=state_dir)
            return run.returncode, json.loads(run.stdout or "[{}]")[0] | {"stderr": run.stderr}

        def warnings() -> list[str]:
            return [c.body for c in issue_api.get_comments() if "/dev-agent extend" in c.body]

        code, result = expire(3)
        assert (code, result["action"]) == (0, None), result
        assert warnings() == []

        for days, phrase in ((2, "in 2 days"), (1, "in 1 day)")):
            code, result = expire(days)
            assert (code, result["action"]) == (0, f"warn-{days}"), result
            expire(days)  # the daily workflow may run twice: still one warning per day
            found = [w for w in warnings() if phrase in w]
            assert len(found) == 1 and str(EXPIRES) in found[0] and f"`{ENV}`" in found[0]
        assert len(warnings()) == 2

        code, result = expire(0)
        assert (code, result["action"]) == (2, "destroy"), result
        pull = repo.client().get_repo(repo.full_name).get_pull(int(result["destroy_pull"].rsplit("/", 1)[1]))
        assert "dev-agent:destroy" in [label.name for label in pull.labels]
        assert any(result["destroy_pull"] in c.body and "expired" in c.body for c in issue_api.get_comments())


def test_the_app_leaves_the_expiry_destroy_pr_alone_it_did_not_open_it(tmp_path):
    """The destroy PR `dev-agent expire` opens comes from the workflow's token, not the App: the App's
    pull_request handler acts only on PRs it opened (issue 11), so its merge changes no lock and no issue (the
    destroy workflow closes the request after destroying, bot/lifecycle/destroy.py)."""
    with SandboxGitHub() as gh:
        repo, issue, _ = merged_environment(gh, ENV, EXPIRES, tmp_path)
        run = repo.dev_agent("expire", "--json", "--today", str(EXPIRES), state_dir=tmp_path / "state")
        number = int(json.loads(run.stdout)[0]["destroy_pull"].rsplit("/", 1)[1])
        gh.merge_pull("alice", "infra", number, user="alice")

        ctx = JobContext(settings=Settings(state_dir=tmp_path / "bot", redis_url=None), locks=MemoryLocks(60),
                         installations=MemoryInstallations(), github=lambda installation: repo.client())
        key = f"{repo.full_name}:{ENV}"
        ctx.locks.acquire(key, ENV, f"{repo.full_name}#{issue}", "alice")
        pull = gh.request("GET", f"/repos/{repo.full_name}/pulls/{number}", repo.token)
        process_delivery("d1", "pull_request", {"action": "closed", "pull_request": pull, "installation": {"id": 1},
                                                "repository": {"full_name": repo.full_name},
                                                "sender": {"login": "alice", "type": "User"}}, ctx)
        assert ctx.locks.get(key) is not None
        request = repo.client().get_repo(repo.full_name).get_issue(issue)
        assert request.state == "open"
        assert not any(f"Merged in #{number}" in c.body for c in request.get_comments())


def test_an_open_extend_pr_holds_off_the_destroy_pr_until_it_is_closed(tmp_path):
    with SandboxGitHub() as gh:
        repo, issue, _ = merged_environment(gh, ENV, EXPIRES, tmp_path)
        later = environment_files(ENV, EXPIRES + dt.timedelta(days=7), Settings())
        writer = repo.writer()
        writer.commit_files(base_branch="main", branch=bot_branch("extend", ENV), files=later,
                            replace_prefix=f"environments/{ENV}", message="extend", when=dt.datetime.now(dt.UTC))
        extension, _ = writer.upsert_pull(branch=bot_branch("extend", ENV), base="main", title=f"dev-agent: extend {ENV}",
                                          body=f"<!-- dev-agent:request #{issue} -->")
        api = repo.client().get_repo(repo.full_name)

        def expire() -> tuple[int, dict]:
            run = repo.dev_agent("expire", "--json", "--today", str(EXPIRES), state_dir=tmp_path / "state")
            return run.returncode, json.loads(run.stdout or "[{}]")[0] | {"stderr": run.stderr}

        def destroy_pulls() -> list:
            return [p for p in api.get_pulls(state="all") if p.head.ref == bot_branch("destroy", ENV)]

        for _ in range(2):  # the daily workflow may run twice: one note
            code, result = expire()
            assert (code, result["action"], result["destroy_pull"]) == (0, "extend-pending", None), result
            assert result["extend_pull"] == extension.html_url
        assert destroy_pulls() == []
        notes = [c.body for c in api.get_issue(issue).get_comments() if f"#{extension.number}" in c.body]
        assert len(notes) == 1 and "expired" in notes[0] and "no destroy PR" in notes[0]

        extension.edit(state="closed")
        code, result = expire()
        assert (code, result["action"]) == (2, "destroy"), result
        assert [p.html_url for p in destroy_pulls()] == [result["destroy_pull"]]


def test_merging_an_extension_closes_the_stale_destroy_pr(tmp_path):
    """Expiry opened a destroy PR; the owner extends instead: when the App's extend PR merges, the destroy PR
    is closed with a note, so nobody merges it by mistake."""
    with SandboxGitHub() as gh:
        repo, issue, _ = merged_environment(gh, ENV, EXPIRES, tmp_path)
        run = repo.dev_agent("expire", "--json", "--today", str(EXPIRES), state_dir=tmp_path / "state")
        destroy = int(json.loads(run.stdout)[0]["destroy_pull"].rsplit("/", 1)[1])
        ctx, target = app_job(gh, repo, issue, tmp_path / "bot")
        spec = load_spec(repo.checkout / "environments" / ENV / "environment.yaml")
        extended = spec.model_copy(update={"expires_on": EXPIRES + dt.timedelta(days=7)})
        extension = propose(ctx, target, RequestState(issue=issue), Derived(extended, {}, [], []), kind="extend")
        gh.merge_pull("alice", "infra", extension, user="alice")
        pull = gh.request("GET", f"/repos/{repo.full_name}/pulls/{extension}", repo.token)
        process_delivery("d2", "pull_request", {"action": "closed", "pull_request": pull, "installation": {"id": 1},
                                                "repository": {"full_name": repo.full_name},
                                                "sender": {"login": "alice", "type": "User"}}, ctx)
        stale = repo.client().get_repo(repo.full_name).get_pull(destroy)
        assert stale.state == "closed" and not stale.merged
        notes = [c.body for c in stale.get_issue_comments() if "dev-agent:superseded" in c.body]
        assert len(notes) == 1 and f"was extended in #{extension}" in notes[0]
