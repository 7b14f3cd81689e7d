"""Benchmark of the GitHub App side.

1. Ack path: signed `issues.opened` deliveries against `dev-agent serve` with Redis (rq enqueue + dedupe):
   deliveries/s and p50/p99 acknowledgement latency.
2. issue -> PR and comment -> updated PR through the sandbox GitHub, `dev-agent serve` and one `dev-agent worker`,
   with the checks off and then with every check on (checkov, terraform validate, helm, workflow checks), with
   the CPU per review; then one cold `checkov -d` CLI run on the same environment and the ratio of the two.
3. GitHub API calls per PR (the one-commit write and the whole job).

Usage: python bench/webhook.py [--seconds 10] [--concurrency 8] [--web-workers 2] [--requests 5] [--reviews-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.intake.webhooks import signature_for  # noqa: E402
from tests.support.bot_stack import BotStack, wait_for  # noqa: E402
from tests.support.redis_server import RedisServer, free_port  # noqa: E402

SECRET = b"bench-secret"
GIT_DATA = ("/git/ref/", "/git/refs", "/git/trees", "/git/commits")


def payload() -> bytes:
    return json.dumps({
        "action": "opened",
        "issue": {"number": 1, "title": "Environment: bench", "body": "### Cloud\n\naws\n" * 20, "labels": [],
                  "user": {"login": "alice", "type": "User"}, "state": "open"},
        "repository": {"full_name": "octo/infra", "default_branch": "main", "id": 1},
        "installation": {"id": 1},
        "sender": {"login": "alice", "type": "User"},
    }).encode()


def request_bytes(port: int, body: bytes) -> bytes:
    headers = (f"POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
               f"X-GitHub-Event: issues\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\n"
               f"X-Hub-Signature-256: {signature_for(SECRET, body)}\r\nContent-Length: {len(body)}\r\n\r\n")
    return headers.encode() + body


async def client(port: int, body: bytes, deadline: float, latencies: list[float], statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while time.perf_counter() < deadline:
        data = request_bytes(port, body)
        started = time.perf_counter()
        writer.write(data)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
    writer.close()


async def hammer(port: int, seconds: float, concurrency: int) -> tuple[list[float], dict[int, int], float]:
    body = payload()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(client(port, body, deadline, latencies, statuses) for _ in range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_ack(redis: RedisServer, seconds: float, concurrency: int, web_workers: int) -> None:
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis.url, "DEV_AGENT_WEBHOOK_SECRET": SECRET.decode(),
           "DEV_AGENT_GITHUB_APP_ID": "1", "DEV_AGENT_GITHUB_PRIVATE_KEY": "unused-by-the-endpoint",
           "DEV_AGENT_QUEUE_NAME": "bench", "PYTHONPATH": str(ROOT)}
    web = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port), "--workers", str(web_workers)],
                           cwd=ROOT, env=env)
    try:
        import httpx

        wait_for(lambda: _up(httpx, port), 90, what="dev-agent serve")
        with asyncio.Runner(loop_factory=_event_loop_factory()) as runner:
            runner.run(hammer(port, 1.0, concurrency))  # warm-up
            cpu_before, client_before = tree_cpu_seconds(web.pid), time.process_time()
            latencies, statuses, elapsed = runner.run(hammer(port, seconds, concurrency))
            cpu, client_cpu = tree_cpu_seconds(web.pid) - cpu_before, time.process_time() - client_before
    finally:
        web.terminate()
        web.wait(timeout=10)
    ok = statuses.get(202, 0)
    print(f"ack: {len(latencies)} signed deliveries in {elapsed:.1f}s over {concurrency} connections, "
          f"{web_workers} web process(es), Redis + rq enqueue")
    print(f"  deliveries/s: {ok / elapsed:,.0f}   (statuses: {statuses})")
    print(f"  web CPU per delivery: {cpu / max(1, len(latencies)) * 1e6:,.0f} µs   "
          "(the web processes' user+system time;"
          " steadier than deliveries/s on a shared machine)")
    print(f"  load generator CPU per delivery: {client_cpu / max(1, len(latencies)) * 1e6:,.0f} µs (same cores)")
    print(f"  ack latency p50: {percentile(latencies, 0.5) * 1000:.1f} ms   "
          f"p99: {percentile(latencies, 0.99) * 1000:.1f} ms")
    queued = redis.client().llen("rq:queue:bench")
    print(f"  jobs queued in Redis: {queued:,}")
    redis.client().flushdb()


def _event_loop_factory():
    """uvloop for the load generator when installed: it shares the cores with the server under test."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its descendants so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        pending.extend(int(child) for child in children)
    return total


def _up(httpx, port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def process_tree_cpu(pids: list[int]) -> float:
    """CPU seconds of processes, their descendants and the children they reaped (user + system, Linux /proc)."""
    return sum(process_tree_cpu_split(pids).values())


# what a process of the bot's tree is, by its command line (reaped children count for their parent)
ROLES = [("checkov_server.py", "warm checkov"), ("provider_host.py", "warm providers"),
         ("terraform-provider", "warm providers"), ("bot serve", "web"), ("", "worker (jobs, their tools)")]


def process_tree_cpu_split(pids: list[int]) -> dict[str, float]:
    """process_tree_cpu by role (ROLES): the web, the worker with its work horses and the tools they ran, the warm
    checkov with its scan forks, the warm providers."""
    tick = os.sysconf("SC_CLK_TCK")
    split: dict[str, float] = {}
    pending, seen = list(pids), set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            command = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        role = next(label for marker, label in ROLES if marker in command)
        split[role] = split.get(role, 0.0) + sum(int(value) for value in fields[11:15]) / tick  # u, s, cu, cs
        pending.extend(int(child) for child in children)
    return split


@dataclass
class Reviews:
    """Timings of one bench_reviews run (seconds)."""

    checks: bool
    first: float = 0.0
    to_pr: list[float] = field(default_factory=list)  # issue -> PR opened
    reviewed: list[float] = field(default_factory=list)  # issue -> report, check run, labels, status: job done
    amended: list[float] = field(default_factory=list)  # `/dev-agent set` comment -> PR updated, job done
    cpu: float = 0.0  # bot processes (web, worker, horses, checkers) over every measured review
    cpu_split: dict[str, float] = field(default_factory=dict)  # the same by role (process_tree_cpu_split)
    calls: dict[str, int] = field(default_factory=dict)
    # job kind (issues.opened, issue_comment.created) -> stage -> seconds per measured job, from the worker's log
    stages: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    check_seconds: dict[str, list[float]] = field(default_factory=dict)  # check -> seconds when it ran (not cached)
    environment: dict[str, str] = field(default_factory=dict)  # the last environment's files (path -> text)


def bench_reviews(redis: RedisServer, requests: int, checks: bool, cache_dir: Path) -> Reviews:
    """issue -> PR and comment -> updated PR through the sandbox GitHub, `dev-agent serve` and one worker."""
    from sandbox import SandboxGitHub

    out = Reviews(checks=checks)
    redis.client().flushdb()  # a new sandbox GitHub: no installation token cached for the previous one
    env = {"DEV_AGENT_RUN_CHECKS": "true" if checks else "false", "DEV_AGENT_CHECK_CACHE_DIR": str(cache_dir)}
    log = Path(tempfile.gettempdir()) / f"dev-agent-bench-{'checks' if checks else 'plain'}.log"  # the bot's log
    log.unlink(missing_ok=True)
    with SandboxGitHub() as sandbox, BotStack(sandbox, redis.url, extra_env=env, log_path=log) as stack:
        out.first = _review(stack, sandbox, "bench-first", 600)[1]  # the worker warms up before its first job
        pids = [p.pid for p in [stack.web, *stack.workers] if p is not None]
        cpu_before = process_tree_cpu_split(pids)
        for i in range(requests):
            to_pr, reviewed, out.calls, pull = _review(stack, sandbox, f"bench-{i}")
            out.to_pr.append(to_pr)
            out.reviewed.append(reviewed)
            out.amended.append(_amend(stack, sandbox, pull["number"]))
        cpu_after = process_tree_cpu_split(pids)
        out.cpu_split = {role: cpu_after[role] - cpu_before.get(role, 0.0) for role in cpu_after}
        out.cpu = sum(out.cpu_split.values())
        out.environment = _environment_files(stack, f"bench-{requests - 1}")
    out.stages, out.check_seconds = stage_breakdown(log)
    return out


STAGE = re.compile(r"^stage (?P<stage>.+): (?P<seconds>[0-9.]+) s$")
CHECK = re.compile(r"^check (?P<name>.+): \w+ in (?P<seconds>[0-9.]+) s$")
DELIVERY = re.compile(r"^processing delivery \S+ \((?P<kind>[\w.]+)\)$")


def stage_breakdown(log: Path) -> tuple[dict[str, dict[str, list[float]]], dict[str, list[float]]]:
    """Per job kind, the seconds of each stage (`stage <name>: <s> s` lines of bot.metrics.timed), and the seconds of
    each check that ran, over every job but the first (the warm-up), matched by the log lines' correlation id."""
    kinds: dict[str, str] = {}
    stages: dict[str, dict[str, list[float]]] = {}
    checks: dict[str, list[float]] = {}
    first: str | None = None
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        cid, event = record.get("correlation_id"), str(record.get("event", ""))
        if (found := DELIVERY.match(event)) and cid:
            kinds[cid] = found["kind"]
            first = first or cid
        elif cid in kinds and cid != first and (found := STAGE.match(event)):
            stages.setdefault(kinds[cid], {}).setdefault(found["stage"], []).append(float(found["seconds"]))
        elif cid in kinds and cid != first and (found := CHECK.match(event)):
            checks.setdefault(found["name"], []).append(float(found["seconds"]))
    return stages, checks


ISSUE_REACTIONS = "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions"
COMMENT_REACTIONS = "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"


def _review(stack: BotStack, sandbox: Any, name: str,
            timeout: float = 300) -> tuple[float, float, dict[str, int], dict]:
    """(seconds to the PR, seconds to the job's end, the job's API calls, the PR), watched through the sandbox's
    call counters (in memory: polling the API would take CPU from the bot under test). The job reacts 👀 first
    and 🚀 last."""
    sandbox.reset_calls()
    started = time.perf_counter()
    stack.open_request(name)
    what = f"the PR (bot log: {stack.log.name if stack.log else 'stderr'})"
    wait_for(lambda: sandbox.calls.get("POST /repos/{owner}/{repo}/pulls"), timeout, interval=0.005, what=what)
    to_pr = time.perf_counter() - started
    wait_for(lambda: sandbox.calls.get(ISSUE_REACTIONS, 0) >= 2, timeout, interval=0.005, what="job end")
    reviewed = time.perf_counter() - started
    return to_pr, reviewed, sandbox.calls, stack.wait_for_pull(name)


def _amend(stack: BotStack, sandbox: Any, number: int) -> float:
    """Seconds from a `/dev-agent set` comment on the PR to the end of its job (the PR updated)."""
    sandbox.reset_calls()
    started = time.perf_counter()
    stack.comment(number, "/dev-agent set compute.max_replicas=3")
    wait_for(lambda: sandbox.calls.get(COMMENT_REACTIONS, 0) >= 2, 300, interval=0.005, what="PR updated")
    return time.perf_counter() - started


def _environment_files(stack: BotStack, name: str) -> dict[str, str]:
    prefix = f"environments/{name}/"
    head = stack.wait_for_pull(name)["head"]["sha"]
    tree = stack.api("GET", f"/git/trees/{head}", params={"recursive": "1"})["tree"]
    return {entry["path"]: stack.file_on(head, entry["path"])
            for entry in tree if entry["type"] == "blob" and entry["path"].startswith(prefix)}


def cold_checkov(files: dict[str, str]) -> tuple[float, list[str]]:
    """Wall seconds of one `checkov -d` CLI run on the environment (the bot's frameworks, skips and offline flags)."""
    from bot.checks.checkov import OFFLINE_ENV, arguments
    from bot.checks.skips import skips_for
    from bot.checks.tools import find_tool
    from generators.output import write_tree

    binary = find_tool("checkov")
    assert binary is not None, "checkov is not installed (scripts/bootstrap.sh)"
    with tempfile.TemporaryDirectory(prefix="bench-checkov-") as repo:
        write_tree(files, Path(repo))
        env_dir = Path(repo, *next(p for p in files if p.endswith("environment.yaml")).split("/")[:-1])
        spec = yaml.safe_load((env_dir / "environment.yaml").read_text())
        command = [binary, *arguments([env_dir], skips_for(spec.get("cloud"), spec.get("tier") or "dev"))]
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, env={**os.environ, **OFFLINE_ENV}, check=False, timeout=600)
        return time.perf_counter() - started, ["checkov", *command[1:]]


def print_reviews(result: Reviews) -> None:
    label = "with every check on" if result.checks else "checks off (DEV_AGENT_RUN_CHECKS=false)"
    count = len(result.to_pr)
    print(f"reviews {label} (sandbox, serve, 1 rq worker; {count} requests after a first one):")
    print(f"  first issue -> reviewed PR after the worker started: {result.first:.2f}s")
    print(f"  issue -> PR: p50 {statistics.median(result.to_pr):.2f}s, max {max(result.to_pr):.2f}s")
    print(f"  issue -> reviewed PR (report, check run, labels, status): p50 {statistics.median(result.reviewed):.2f}s, "
          f"max {max(result.reviewed):.2f}s")
    print(f"  comment -> updated PR (/dev-agent set): p50 {statistics.median(result.amended):.2f}s, "
          f"max {max(result.amended):.2f}s")
    print(f"  CPU per review (bot processes and their tools; issue and comment): {result.cpu / (2 * count):.2f}s ("
          + ", ".join(f"{role} {seconds / (2 * count):.2f}" for role, seconds in sorted(result.cpu_split.items()))
          + ")")
    for kind, label in [("issues.opened", "issue -> PR"), ("issue_comment.created", "comment -> updated PR")]:
        stages = result.stages.get(kind) or {}
        if stages:
            parts = ", ".join(f"{stage} {statistics.median(values):.2f}" for stage, values in stages.items())
            print(f"  {label} job stages, p50 s (the checks overlap cost and policy): {parts}")
    if result.check_seconds:
        parts = ", ".join(f"{name} {statistics.median(values):.2f}" for name, values in
                          sorted(result.check_seconds.items(), key=lambda item: -statistics.median(item[1])))
        print(f"  checks that ran (not from cache), p50 s: {parts}")


def bench_issue_to_pr(redis: RedisServer, requests: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-check-cache-") as cache:
        plain = bench_reviews(redis, requests, checks=False, cache_dir=Path(cache))
        print_reviews(plain)
        per_pr = plain.calls
        git = sum(n for call, n in per_pr.items() if any(part in call for part in GIT_DATA) and "/repos/" in call)
        job = sum(n for call, n in per_pr.items() if call != "POST /repos/{owner}/{repo}/issues")
        print(f"GitHub API calls per PR: {git} for the one commit (target <= 6), {job} for the whole job "
              "(reactions, permission check, PR, report comment, check run, labels, status comment)")
        checked = bench_reviews(redis, requests, checks=True, cache_dir=Path(cache))
        print_reviews(checked)
    cold, command = cold_checkov(checked.environment)
    p50 = statistics.median(checked.to_pr)
    print(f"cold checkov CLI on the same environment ({' '.join(command[:8])} ...): {cold:.2f}s")
    print(f"speed ratio (issue -> PR with checks) / (checkov CLI alone): {p50 / cold:.2f}")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--reviews-only", action="store_true", help="Skip the ack benchmark (1.).")
    args = parser.parse_args()
    redis = RedisServer()
    redis.start()
    try:
        if not args.reviews_only:
            bench_ack(redis, args.seconds, args.concurrency, args.web_workers)
        bench_issue_to_pr(redis, args.requests)
    finally:
        redis.stop()


if __name__ == "__main__":
    main()
