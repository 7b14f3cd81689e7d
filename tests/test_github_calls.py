"""How many GitHub round-trips a review takes, counted by the sandbox GitHub (serve + rq worker + PyGithub).

A new request: one commit in six Git Data calls (the cost inputs' reads are reused by the commit, the new branch is
created without a failed update first) and 18 calls for the whole job. An amendment re-reads the environment's
Terraform without fetching a file the bot committed itself (its blob cache)."""

from __future__ import annotations

import pytest

from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

ISSUE_REACTIONS = "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions"
COMMENT_REACTIONS = "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"
GIT_DATA = ("/git/ref/", "/git/refs", "/git/trees", "/git/commits", "/git/blobs")


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github:
        yield github


def job_calls(sandbox, reactions: str) -> dict[str, int]:
    """The API calls until the job's last reaction (👀 first, 🚀 last), read from the sandbox's counters (asking
    the API would count too)."""
    wait_for(lambda: sandbox.calls.get(reactions, 0) >= 2, 120, interval=0.01, what="the job's end")
    return {call: n for call, n in sandbox.calls.items() if call != "POST /repos/{owner}/{repo}/issues"}


def test_a_review_and_its_amendment_make_few_github_calls(sandbox, redis_server):  # noqa: F811
    with BotStack(sandbox, redis_server.url) as stack:
        stack.open_request("calls-warm-up")  # the worker's first job
        wait_for(lambda: sandbox.calls.get(ISSUE_REACTIONS, 0) >= 2, 300, interval=0.01, what="the first job")
        sandbox.reset_calls()
        stack.open_request("calls-1")
        calls = job_calls(sandbox, ISSUE_REACTIONS)
        git = {call: n for call, n in calls.items() if any(part in call for part in GIT_DATA)}
        assert sum(git.values()) == 6, git
        assert "PATCH /repos/{owner}/{repo}/git/refs/{ref}" not in git  # a new branch is created, not updated
        assert calls.get("GET /repos/{owner}/{repo}/issues/{issue_number}/comments") == 1, calls
        assert calls.get("GET /repos/{owner}/{repo}/pulls") == 1, calls
        assert "GET /app" not in calls  # the worker asked once, before its first job
        assert sum(calls.values()) <= 18, calls

        pull = stack.wait_for_pull("calls-1")
        sandbox.reset_calls()
        stack.comment(pull["number"], "/dev-agent set compute.max_replicas=3")
        calls = job_calls(sandbox, COMMENT_REACTIONS)
        assert "GET /repos/{owner}/{repo}/git/blobs/{file_sha}" not in calls, calls  # its own files: from its cache
        assert calls.get("POST /repos/{owner}/{repo}/git/commits") == 1, calls
    updated = stack.wait_for_pull("calls-1")
    assert updated["head"]["sha"] != pull["head"]["sha"]
