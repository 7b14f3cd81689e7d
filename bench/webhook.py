"""Benchmark of the GitHub App side.

1. Ack path: signed `issues.opened` deliveries against `dev-agent serve` with Redis (rq enqueue + dedupe):
   deliveries/s and p50/p99 acknowledgement latency.
2. issue -> PR latency through the sandbox GitHub, `dev-agent serve` and one `dev-agent worker`.
3. GitHub API calls per PR (the one-commit write and the whole job).

Usage: python bench/webhook.py [--seconds 10] [--concurrency 8] [--web-workers 2] [--requests 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

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
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
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
    print(f"  web CPU per delivery: {cpu / max(1, len(latencies)) * 1e6:,.0f} µs   (the web processes' user+system time;"
          " steadier than deliveries/s on a shared machine)")
    print(f"  load generator CPU per delivery: {client_cpu / max(1, len(latencies)) * 1e6:,.0f} µs (same cores)")
    print(f"  ack latency p50: {percentile(latencies, 0.5) * 1000:.1f} ms   p99: {percentile(latencies, 0.99) * 1000:.1f} ms")
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


def bench_issue_to_pr(redis: RedisServer, requests: int) -> None:
    from sandbox import SandboxGitHub

    with SandboxGitHub() as sandbox, BotStack(sandbox, redis.url) as stack:
        durations, calls = [], []
        for i in range(requests):
            name = f"bench-{i}"
            sandbox.reset_calls()
            started = time.perf_counter()
            issue = stack.open_request(name)
            wait_for(lambda: sandbox.calls.get("POST /repos/{owner}/{repo}/pulls"), 30, interval=0.01, what="PR")
            durations.append(time.perf_counter() - started)
            wait_for(lambda: _finished(stack, issue), 30, interval=0.05, what="job end")
            calls.append(sandbox.calls)
        per_pr = calls[-1]
        git = sum(n for call, n in per_pr.items() if any(part in call for part in GIT_DATA) and "/repos/" in call)
        job = sum(n for call, n in per_pr.items() if call != "POST /repos/{owner}/{repo}/issues")
    print(f"issue -> PR (sandbox, serve, 1 rq worker): median {statistics.median(durations):.2f}s, "
          f"max {max(durations):.2f}s over {requests} requests")
    print(f"GitHub API calls per PR: {git} for the one commit (target <= 6), {job} for the whole job "
          "(reactions, permission check, PR, report comment, check run, labels, status comment)")


def _finished(stack: BotStack, issue: dict) -> bool:
    reactions = stack.api("GET", f"/issues/{issue['number']}")["reactions"]
    return bool(reactions.get("rocket") or reactions.get("confused"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    redis = RedisServer()
    redis.start()
    try:
        bench_ack(redis, args.seconds, args.concurrency, args.web_workers)
        bench_issue_to_pr(redis, args.requests)
    finally:
        redis.stop()


if __name__ == "__main__":
    main()
