"""Prometheus metrics of the bot, served at /metrics.

Counters live in the process that does the work. With rq workers in other processes, set
`PROMETHEUS_MULTIPROC_DIR` so every process writes to a shared directory that /metrics aggregates.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

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
MODEL_FALLBACKS = Counter("dev_agent_model_fallbacks_total", "Understanding fell back to the deterministic parser", ["reason"])
PULL_REQUESTS = Counter("dev_agent_pull_requests_total", "Environment PRs opened or updated", ["action"])
APPLIES = Counter("dev_agent_applies_total", "dev-agent apply runs", ["outcome"])
MONTHLY_COST = Gauge(
    "dev_agent_monthly_cost_usd", "Estimated monthly cost of managed environments", ["environment"],
    multiprocess_mode="mostrecent",
)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Observe the block's duration as job stage `stage` (parse, generate, check, cost, github)."""
    with JOB_DURATION.labels(stage=stage).time():
        yield


def render_metrics() -> tuple[bytes, str]:
    """The exposition text and its content type, aggregated across processes when configured."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
