"""Prometheus metrics of the bot, served at /metrics.

Counters live in the process that does the work. With `PROMETHEUS_MULTIPROC_DIR` set, every process writes
its values to files in that directory and /metrics (web) or `dev-agent worker --metrics-port` (worker)
aggregates them. rq forks a work horse per job; every horse of one worker process writes the same files
(`jobs-<worker pid>`), so the directory grows with the number of worker processes, not with the jobs run.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

log = logging.getLogger(__name__)
_process_name: str | None = None


def _process_identity() -> str:
    return _process_name or str(os.getpid())


def name_process(name: str) -> None:
    """File this process's metric values under `name` (callers make sure no two live processes share one)."""
    global _process_name
    _process_name = name


if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # before any metric is built
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    values.ValueClass = values.MultiProcessValue(_process_identity)  # type: ignore[no-untyped-call]  # untyped upstream

WEBHOOKS = Counter("dev_agent_webhooks_total", "Webhook deliveries received", ["event", "outcome"])
QUEUE_DEPTH = Gauge("dev_agent_queue_depth", "Jobs waiting in the queue", multiprocess_mode="livemax")
JOB_DURATION = Histogram(
    "dev_agent_job_stage_seconds",
    "Time spent per job stage",
    ["stage"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
GITHUB_CALLS = Counter("dev_agent_github_api_calls_total", "GitHub API calls", ["method", "status"])
GITHUB_RATE_LIMIT_REMAINING = Gauge(
    "dev_agent_github_rate_limit_remaining", "GitHub rate limit left at the last call", multiprocess_mode="mostrecent"
)
MODEL_CALLS = Counter("dev_agent_model_calls_total", "Claude calls for understanding", ["outcome"])
MODEL_FALLBACKS = Counter("dev_agent_model_fallbacks_total", "Understanding fell back to the deterministic parser",
                          ["reason"])
PULL_REQUESTS = Counter("dev_agent_pull_requests_total", "dev-agent PRs opened or updated, by kind", ["action", "kind"])
APPLIES = Counter("dev_agent_applies_total", "dev-agent apply and destroy runs", ["action", "outcome"])
MONTHLY_COST = Gauge(
    "dev_agent_monthly_cost_usd", "Estimated monthly cost of managed environments", ["environment"],
    multiprocess_mode="mostrecent",
)
MANAGED_COST = Gauge(
    "dev_agent_managed_monthly_cost_usd", "Estimated monthly cost of the environments that exist (applied, drifted or expiring)",
    multiprocess_mode="mostrecent",
)


# Label values known before any event, so a fresh server exposes every series (at 0) for dashboards and alerts.
WEBHOOK_EVENTS = ("issues", "issue_comment", "pull_request", "installation", "installation_repositories")
WEBHOOK_OUTCOMES = ("accepted", "duplicate", "ignored", "queue_unavailable")
UNVERIFIED_OUTCOMES = ("bad_signature", "rejected", "too_large", "error")
JOB_STAGES = ("parse", "reads", "generate", "check", "cost", "policy", "report", "github")
MODEL_FALLBACK_KINDS = ("timeout", "api_error", "unreachable", "error", "no_tool_call", "invalid_reply")
PULL_KINDS = ("request", "extend", "destroy", "revert")
RUN_OUTCOMES = {"apply": ("applied", "unchanged", "failed", "locked", "invalid"),
                "destroy": ("destroyed", "failed", "locked", "invalid")}
# GitHub's answers to the bot's calls that dashboards and alerts watch: success, not modified, the refusals the
# bot handles (401 token, 403/429 rate limits, 404, 409/422 conflicts) and GitHub-side errors. Any other status
# still gets its series at its first response.
GITHUB_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
GITHUB_STATUSES = ("200", "201", "204", "304", "401", "403", "404", "409", "422", "429", "500", "502", "503")


def initialise_series() -> None:
    """Create every known labelled series at 0 (call once when a server or worker starts)."""
    for event in WEBHOOK_EVENTS:
        for outcome in WEBHOOK_OUTCOMES:
            WEBHOOKS.labels(event=event, outcome=outcome)
    for outcome in UNVERIFIED_OUTCOMES:
        WEBHOOKS.labels(event="unverified", outcome=outcome)
    WEBHOOKS.labels(event="ping", outcome="pong")
    for stage in JOB_STAGES:
        JOB_DURATION.labels(stage=stage)
    MODEL_CALLS.labels(outcome="ok")
    for kind in MODEL_FALLBACK_KINDS:
        MODEL_CALLS.labels(outcome=kind)
        MODEL_FALLBACKS.labels(reason=kind)
    for kind in PULL_KINDS:
        for action in ("opened", "updated"):
            PULL_REQUESTS.labels(kind=kind, action=action)
    for action, outcomes in RUN_OUTCOMES.items():
        for outcome in outcomes:
            APPLIES.labels(action=action, outcome=outcome)
    for method in GITHUB_METHODS:
        for status in GITHUB_STATUSES:
            GITHUB_CALLS.labels(method=method, status=status)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Observe the block's duration as job stage `stage` (parse, reads, generate, check, cost, policy, report,
    github) and log it (`stage check: 1.234 s`: bench/webhook.py prints the breakdown)."""
    started = time.perf_counter()
    try:
        with JOB_DURATION.labels(stage=stage).time():
            yield
    finally:
        log.info("stage %s: %.3f s", stage, time.perf_counter() - started)


def count_pull(kind: str, created: bool) -> None:
    """Count a PR dev-agent opened (`created`) or updated; `kind` is its branch kind (request, extend, destroy,
    revert)."""
    PULL_REQUESTS.labels(kind=kind, action="opened" if created else "updated").inc()


Run = TypeVar("Run", bound=Callable[..., Any])


def counts_runs(action: str) -> Callable[[Run], Run]:
    """Count each finished run of the decorated function in APPLIES by the `status` of its result."""
    def decorate(run: Run) -> Run:
        @wraps(run)
        def counted(*args: Any, **kwargs: Any) -> Any:
            result = run(*args, **kwargs)
            APPLIES.labels(action=action, outcome=result.status).inc()
            return result
        return counted  # type: ignore[return-value]
    return decorate


def metrics_registry() -> CollectorRegistry:
    """The registry to expose: every process's values when `PROMETHEUS_MULTIPROC_DIR` is set, else this one's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
        return registry

    return REGISTRY


def render_metrics() -> tuple[bytes, str]:
    """The exposition text and its content type, aggregated across processes when configured."""
    return generate_latest(metrics_registry()), CONTENT_TYPE_LATEST
