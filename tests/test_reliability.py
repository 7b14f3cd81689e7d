"""Reliability of the App under redelivery, load, killed workers, a Redis outage and GitHub errors.

Real processes throughout: sandbox GitHub, redis-server, `dev-agent serve`, `dev-agent worker` (rq).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, Worker

from bot.request.comments import REPORT_MARKER
from bot.request.state import STATUS_MARKER
from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import RedisServer, redis_server  # noqa: F401  (fixture)

POST_PULLS = "POST /repos/{owner}/{repo}/pulls"


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github:
        yield github


def dev_agent_pulls(stack: BotStack, name: str) -> list[dict]:
    return [p for p in stack.pulls() if p["head"]["ref"] == f"dev-agent/{name}"]


def settled(stack: BotStack, issue: dict, name: str) -> bool:
    """The request's PR exists and its status comment points at it (the job finished)."""
    pulls = dev_agent_pulls(stack, name)
    status = stack.bot_comments(issue["number"], STATUS_MARKER)
    return bool(pulls) and bool(status) and f"#{pulls[0]['number']}" in status[0]["body"]


def assert_exactly_one_of_everything(stack: BotStack, issue: dict, name: str) -> None:
    pulls = dev_agent_pulls(stack, name)
    assert len(pulls) == 1
    assert len(stack.bot_comments(pulls[0]["number"], REPORT_MARKER)) == 1
    assert len(stack.bot_comments(issue["number"], STATUS_MARKER)) == 1
    runs = stack.api("GET", f"/commits/{pulls[0]['head']['sha']}/check-runs")["check_runs"]
    assert len(runs) == 1


def issue_delivery(stack: BotStack, issue: dict) -> dict:
    """The sandbox's `issues.opened` delivery for `issue`."""
    return next(d for d in stack.sandbox.deliveries if d["event"] == "issues" and _is_for(stack, d, issue))


def _is_for(stack: BotStack, delivery: dict, issue: dict) -> bool:
    body = json.loads(stack.sandbox.core.deliverer.get(delivery["id"]).body)
    return body["repository"]["full_name"] == stack.full_name and body["issue"]["number"] == issue["number"]


def redeliver(stack: BotStack, delivery_id: int) -> None:
    stack.sandbox.request("POST", f"/sandbox/deliveries/{delivery_id}/redeliver")


def children(pid: int) -> set[int]:
    """Child processes of a process (an rq worker forks its scheduler, and a work horse per job)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread that ended meanwhile (preload's)
            found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def registered(stack: BotStack, pid: int) -> bool:
    """The rq worker process `pid` has finished its preload and registered itself on the stack's queue."""
    queue = Queue(stack.queue_name, connection=Redis.from_url(stack.redis_url))
    return any(worker.pid == pid for worker in Worker.all(queue=queue))


def test_the_same_delivery_fifty_times_makes_one_pr(sandbox, redis_server):  # noqa: F811
    with BotStack(sandbox, redis_server.url) as stack:
        issue = stack.open_request("redeliver-50")
        wait_for(lambda: settled(stack, issue, "redeliver-50"), what="first PR")
        delivery = issue_delivery(stack, issue)
        for _ in range(49):
            redeliver(stack, delivery["id"])
        log = stack.sandbox.wait_for_deliveries(120)
        answers = [d["status_code"] for d in log if d["guid"] == delivery["guid"]]
        assert len(answers) == 50 and answers.count(202) == 1 and answers.count(200) == 49
        assert_exactly_one_of_everything(stack, issue, "redeliver-50")
        assert stack.sandbox.calls.get(POST_PULLS) == 1


def test_a_hundred_requests_with_two_workers_make_a_hundred_prs(sandbox, redis_server):  # noqa: F811
    # No client-side write throttle here: the test measures correctness under concurrency, not pacing.
    with BotStack(sandbox, redis_server.url, workers=2, extra_env={"DEV_AGENT_GITHUB_WRITE_INTERVAL_SECONDS": "0"}) as stack:
        names = [f"load-{i:03d}" for i in range(100)]
        issues = {name: stack.open_request(name) for name in names}
        wait_for(lambda: stack.sandbox.calls.get(POST_PULLS, 0) >= 100, 900, interval=0.5, what="100 PRs")
        wait_for(lambda: settled(stack, issues["load-099"], "load-099"), 180, interval=1, what="last job")  # busy CI: ~8 s a job
        stack.sandbox.wait_for_deliveries(120)
        pulls = stack.pulls()
        branches = [p["head"]["ref"] for p in pulls]
        assert sorted(branches) == sorted(f"dev-agent/{n}" for n in names)  # one each, no duplicates


def test_a_worker_killed_mid_job_leaves_exactly_one_pr_after_the_retry(sandbox, redis_server):  # noqa: F811
    with BotStack(sandbox, redis_server.url) as stack:
        worker = stack.workers[0]
        scheduler = wait_for(lambda: children(worker.pid), what="rq scheduler process")  # after the preload
        # Opening the PR takes 3 s: the horse is killed while GitHub is still creating it.
        stack.sandbox.inject_fault(r"/pulls$", status=None, method="POST", count=1, delay_seconds=3)
        issue = stack.open_request("killed-9")
        wait_for(lambda: stack.sandbox.calls.get(POST_PULLS), interval=0.05, what="POST /pulls in flight")
        horses = wait_for(lambda: children(worker.pid) - scheduler, 5, interval=0.05, what="work horse")
        for pid in horses:
            os.kill(pid, signal.SIGKILL)
        wait_for(lambda: settled(stack, issue, "killed-9"), what="retried job")
        # The retry found the PR the killed job had asked for (or GitHub's 422 "already exists" for it).
        assert_exactly_one_of_everything(stack, issue, "killed-9")


# Abandoned jobs are noticed 1 s (heartbeat) + 2 s (grace) after the worker's last heartbeat, checked every second.
FAST_RECOVERY = {"DEV_AGENT_JOB_HEARTBEAT_SECONDS": "1", "DEV_AGENT_JOB_ABANDON_GRACE_SECONDS": "2",
                 "DEV_AGENT_WORKER_MAINTENANCE_SECONDS": "1"}


def test_a_whole_worker_killed_mid_job_is_recovered_by_another_with_exactly_one_pr(sandbox, redis_server):  # noqa: F811
    with BotStack(sandbox, redis_server.url, extra_env=FAST_RECOVERY) as stack:
        worker = stack.workers[0]
        wait_for(lambda: children(worker.pid), what="rq scheduler process")
        stack.sandbox.inject_fault(r"/pulls$", status=None, method="POST", count=1, delay_seconds=2)
        issue = stack.open_request("killed-worker")
        wait_for(lambda: stack.sandbox.calls.get(POST_PULLS), interval=0.05, what="POST /pulls in flight")
        os.killpg(worker.pid, signal.SIGKILL)  # `dev-agent worker`, its scheduler and its work horse: no cleanup
        worker.wait()
        killed_at = time.monotonic()
        assert stack.bot_comments(issue["number"], STATUS_MARKER) == []  # the killed job never finished
        replacement = stack.start_worker()
        wait_for(lambda: registered(stack, replacement.pid), what="the new worker at work")
        # The new process's own start (imports, preload: ~3 s idle, 20 s+ on a loaded CI) is not the recovery.
        working_at = time.monotonic()
        wait_for(lambda: settled(stack, issue, "killed-worker"), what="job recovered by the new worker")
        recovery = time.monotonic() - working_at
        assert_exactly_one_of_everything(stack, issue, "killed-worker")
        print(f"recovered {recovery:.1f}s after the new worker started working ({working_at - killed_at:.1f}s after the kill)")
        assert recovery < 20, f"recovery took {recovery:.1f}s"


def test_redis_outage_answers_503_and_the_redelivery_completes(sandbox):
    redis = RedisServer()
    redis.start()
    try:
        with BotStack(sandbox, redis.url) as stack:
            redis.stop()
            issue = stack.open_request("outage-1")
            stack.sandbox.wait_for_deliveries(120)
            delivery = issue_delivery(stack, issue)
            assert delivery["status_code"] == 503
            assert stack.pulls() == [] and stack.bot_comments(issue["number"]) == []
            redis.start()
            redeliver(stack, delivery["id"])
            wait_for(lambda: settled(stack, issue, "outage-1"), what="PR after the outage")
            assert_exactly_one_of_everything(stack, issue, "outage-1")
    finally:
        redis.stop()


def test_github_5xx_and_secondary_limits_are_backed_off_without_duplicates(sandbox, redis_server):  # noqa: F811
    with BotStack(sandbox, redis_server.url) as stack:
        stack.sandbox.inject_fault(r"/pulls$", status=502, method="POST", count=1)
        stack.sandbox.inject_fault(r"/issues/[0-9]+/comments$", status="403-secondary", method="POST", count=2,
                                   retry_after=1)
        stack.sandbox.inject_fault(r"/git/trees$", status=503, method="POST", count=1)
        stack.sandbox.inject_fault(r"/check-runs$", status=500, method="GET", count=2)
        stack.sandbox.inject_fault(r"/git/ref/heads/main$", status=503, method="GET", count=1)
        issue = stack.open_request("faults-1")
        wait_for(lambda: settled(stack, issue, "faults-1"), what="PR despite faults")
        assert_exactly_one_of_everything(stack, issue, "faults-1")
        assert stack.sandbox.core.faults.list() == []  # every fault was hit
