"""`dev-agent expire` through the CLI against the sandbox GitHub (no terraform): nothing three days before,
one warning two days and one day before (once each, however often it runs), then a destroy PR."""

from __future__ import annotations

import datetime as dt
import json

from bot.sandbox import SandboxGitHub
from bot.settings import Settings
from tests.support.lifecycle_stack import environment_files, make_repo

ENV = "exp-dev"
EXPIRES = dt.date(2030, 1, 10)


def test_expire_warns_two_days_and_one_day_before_then_opens_a_destroy_pr(tmp_path):
    with SandboxGitHub() as gh:
        repo = make_repo(gh, "alice", "infra", tmp_path)
        issue = gh.open_issue("alice", "infra", f"dev env for {ENV}", user="alice")["number"]
        repo.merge_environment(ENV, environment_files(ENV, EXPIRES, Settings()), issue, f"dev-agent: {ENV}")
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
